#include "ssMerscope.h"

#include "ssError.h"
#include "ssIOText.h"
#include "ssProgress.h"
#include "ssTextTable.h"

#include <cmath>
#include <unordered_map>

namespace ss
{

MoleculeTable ReadMerscopeTranscripts(const std::string & path, const MerscopeReadOptions & options)
{
  MoleculeTable t;
  t.source = path;
  t.platform = "merscope";
  DelimitedReader reader(path, ',');
  if (!reader.ReadHeader())
  {
    SS_INPUT_ERROR(
      path, "transcripts", "the file is empty", "give detected_transcripts.csv from a MERSCOPE output folder");
  }
  const std::string fix = "give MERSCOPE's detected_transcripts.csv (columns global_x, global_y, gene, global_z)";
  const int cx = reader.RequireColumn("global_x", fix);
  const int cy = reader.RequireColumn("global_y", fix);
  const int cGene = reader.RequireColumn("gene", fix);
  const int cz = reader.FindColumn("global_z");
  const std::size_t headerFields = reader.GetHeader().size();

  std::unordered_map<std::string, std::int32_t> geneIndex;
  std::unordered_map<std::string, bool> blankGenes;
  std::size_t blankMolecules = 0;
  int shift = -1; // 1 when rows carry an index the header does not name
  while (reader.Next())
  {
    if (shift < 0)
    {
      shift = reader.GetNumberOfFields() == headerFields + 1 ? 1 : 0;
    }
    if (reader.GetNumberOfFields() != headerFields + static_cast<std::size_t>(shift))
    {
      SS_INPUT_ERROR(reader.Where(),
                     "row",
                     "has " + std::to_string(reader.GetNumberOfFields()) + " fields, the header " +
                       std::to_string(headerFields),
                     "every row needs one field per column");
    }
    const std::string gene(reader.Field(cGene + shift));
    const bool blank = io::StartsWith(gene, "Blank-");
    if (blank)
    {
      ++blankMolecules;
      blankGenes[gene] = true;
      if (options.dropBlankProbes)
      {
        continue;
      }
    }
    // Finite and within ±1e8 µm: a double beyond float's range became an infinite molecule.
    const double x = io::CoordinateField(reader, cx + shift);
    const double y = io::CoordinateField(reader, cy + shift);
    auto it = geneIndex.find(gene);
    if (it == geneIndex.end())
    {
      it = geneIndex.emplace(gene, static_cast<std::int32_t>(t.genes.size())).first;
      t.genes.push_back(gene);
    }
    t.Add(static_cast<float>(x), static_cast<float>(y), it->second);
    if (cz >= 0)
    {
      t.z.push_back(static_cast<float>(io::CoordinateField(reader, cz + shift)));
    }
  }
  if (blankMolecules > 0)
  {
    const std::string note =
      path + ": " + std::to_string(blankMolecules) + " molecules of " + std::to_string(blankGenes.size()) +
      " Blank-* barcodes (negative controls) " +
      (options.dropBlankProbes ? "were dropped" : "are kept as genes; drop them with dropBlankProbes");
    t.notes.push_back(note);
    LogInfo(note);
  }
  if (t.Size() == 0)
  {
    SS_INPUT_ERROR(path, "transcripts", "no molecules", "give a non-empty detected_transcripts.csv");
  }
  return t;
}

void WriteMerscopeTranscripts(const std::string & path, const MoleculeTable & t)
{
  const std::size_t n = t.Size();
  if (t.y.size() != n || t.gene.size() != n || (!t.z.empty() && t.z.size() != n))
  {
    throw std::invalid_argument("WriteMerscopeTranscripts: molecule table columns differ in length");
  }
  io::WriteStreamAtomically(path,
                            io::EndsWith(path, ".gz"),
                            [&](std::ostream & out)
                            {
                              out << ",global_x,global_y,global_z,gene,transcript_id\n";
                              std::string line;
                              for (std::size_t i = 0; i < n; ++i)
                              {
                                line = std::to_string(i) + ",";
                                io::AppendFloat(line, t.x[i]);
                                line += ',';
                                io::AppendFloat(line, t.y[i]);
                                line += ',';
                                io::AppendFloat(line, t.z.empty() ? 0.0f : t.z[i]);
                                line += ',';
                                line += t.genes.at(static_cast<std::size_t>(t.gene[i]));
                                line += ",SS" + std::to_string(i) + '\n';
                                out << line;
                              }
                            });
}

} // namespace ss
