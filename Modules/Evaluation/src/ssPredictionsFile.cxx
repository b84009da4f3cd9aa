#include "ssPredictionsFile.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssProgress.h"
#include "ssTextTable.h"

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

namespace ss
{
namespace
{

/** RFC 4180 quoting, only where a field needs it. */
void AppendField(std::string & out, const std::string & field)
{
  if (field.find_first_of(",\"\r\n\t") == std::string::npos)
  {
    out += field;
    return;
  }
  out += '"';
  for (char c : field)
  {
    if (c == '"')
    {
      out += '"';
    }
    out += c;
  }
  out += '"';
}

void RequireUnique(const std::vector<std::string> & names, const char * what)
{
  std::unordered_map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < names.size(); ++i)
  {
    if (!seen.emplace(names[i], i).second)
    {
      throw std::invalid_argument(std::string("WritePredictions: ") + what + " '" + names[i] + "' appears twice");
    }
  }
}

void RequireFileName(const std::string & name, const std::string & field)
{
  if (name.empty() || name.find_first_of("/\\") != std::string::npos || name == "." || name == "..")
  {
    SS_INPUT_ERROR("predictions file name",
                   field,
                   "'" + name + "' is empty or holds a path separator",
                   "name sections and methods with letters, digits, '-', '_' or '.'");
  }
}

} // namespace

std::string PredictionsPath(const std::string & outputDirectory,
                            const std::string & section,
                            const std::string & method)
{
  RequireFileName(section, "section");
  RequireFileName(method, "method");
  return JoinPath(JoinPath(outputDirectory, "predictions"), section + "_" + method + ".csv.gz");
}

void WritePredictions(const std::string & path, const SpotPredictions & predictions)
{
  const std::size_t nSpots = predictions.NumberOfSpots();
  const std::size_t nGenes = predictions.NumberOfGenes();
  if (predictions.values.size() != nSpots * nGenes)
  {
    throw std::invalid_argument("WritePredictions: " + std::to_string(predictions.values.size()) + " values for " +
                                std::to_string(nSpots) + " spots x " + std::to_string(nGenes) + " genes");
  }
  if (nGenes == 0)
  {
    throw std::invalid_argument("WritePredictions: no genes");
  }
  RequireUnique(predictions.spotIds, "spot");
  RequireUnique(predictions.genes, "gene");

  std::string text;
  text.reserve(16 * (nSpots + 1) * (nGenes + 1));
  text += "spot";
  for (const auto & gene : predictions.genes)
  {
    text += ',';
    AppendField(text, gene);
  }
  text += '\n';
  char buffer[32];
  for (std::size_t s = 0; s < nSpots; ++s)
  {
    AppendField(text, predictions.spotIds[s]);
    for (std::size_t g = 0; g < nGenes; ++g)
    {
      const float v = predictions.values[s * nGenes + g];
      if (!std::isfinite(v))
      {
        throw std::invalid_argument("WritePredictions: spot " + predictions.spotIds[s] + ", gene " +
                                    predictions.genes[g] + ": value is not finite");
      }
      // Shortest decimal form that reads back as exactly this float.
      const auto r = std::to_chars(buffer, buffer + sizeof(buffer), v);
      text += ',';
      text.append(buffer, r.ptr);
    }
    text += '\n';
  }
  const std::string parent = ParentPath(path);
  if (!parent.empty())
  {
    CreateDirectories(parent);
  }
  WriteGzipFileAtomically(path, text);
}

SpotPredictions ReadPredictions(const std::string & path)
{
  RequireFile(path, "predictions file", "give OUT/predictions/{section}_{method}.csv.gz as the benchmark writes it");
  DelimitedReader reader(path);
  if (!reader.ReadHeader())
  {
    SS_INPUT_ERROR(path, "header", "the file is empty", "write the header 'spot,<genes>' and one row per spot");
  }
  const auto & header = reader.GetHeader();
  if (header.empty() || Trim(header.front()) != "spot")
  {
    SS_INPUT_ERROR(path,
                   "header",
                   "the first column is '" + (header.empty() ? std::string() : header.front()) + "', not 'spot'",
                   "write the header 'spot,<genes>'");
  }
  if (header.size() < 2)
  {
    SS_INPUT_ERROR(path, "header", "no gene columns", "write the header 'spot,<genes>'");
  }
  SpotPredictions p;
  std::unordered_map<std::string, std::size_t> seenGenes;
  for (std::size_t i = 1; i < header.size(); ++i)
  {
    const std::string gene = Trim(header[i]);
    if (gene.empty() || !seenGenes.emplace(gene, i).second)
    {
      SS_INPUT_ERROR(path,
                     "header",
                     "gene column " + std::to_string(i + 1) + " '" + gene + "' is empty or repeated",
                     "give each gene one column");
    }
    p.genes.push_back(gene);
  }
  const std::size_t nGenes = p.genes.size();
  std::unordered_map<std::string, std::size_t> seenSpots;
  while (reader.Next())
  {
    if (reader.GetNumberOfFields() != header.size())
    {
      SS_INPUT_ERROR(reader.Where(),
                     "row",
                     "has " + std::to_string(reader.GetNumberOfFields()) + " fields, the header " +
                       std::to_string(header.size()),
                     "give every spot one value per gene");
    }
    const std::string id = Trim(reader.Field(0));
    if (id.empty() || !seenSpots.emplace(id, p.spotIds.size()).second)
    {
      SS_INPUT_ERROR(reader.Where(), "spot", "spot id '" + id + "' is empty or repeated", "give each spot one row");
    }
    p.spotIds.push_back(id);
    for (std::size_t g = 0; g < nGenes; ++g)
    {
      const double v = reader.Double(static_cast<int>(g + 1));
      if (!std::isfinite(v))
      {
        SS_INPUT_ERROR(reader.Where(),
                       reader.ColumnName(static_cast<int>(g + 1)),
                       "spot " + id + " has the value '" + std::string(reader.Field(static_cast<int>(g + 1))) + "'",
                       "predictions must be finite numbers on the log1p-normalized scale");
      }
      p.values.push_back(static_cast<float>(v));
    }
  }
  return p;
}

std::vector<float> AlignPredictions(const SpotPredictions & predictions,
                                    const std::vector<std::string> & spotIds,
                                    const std::vector<std::string> & genes,
                                    const std::string & whereFrom)
{
  std::unordered_map<std::string, std::size_t> spotIndex, geneIndex;
  for (std::size_t s = 0; s < predictions.spotIds.size(); ++s)
  {
    spotIndex.emplace(predictions.spotIds[s], s);
  }
  for (std::size_t g = 0; g < predictions.genes.size(); ++g)
  {
    geneIndex.emplace(predictions.genes[g], g);
  }
  std::vector<std::size_t> columns;
  for (const auto & gene : genes)
  {
    const auto it = geneIndex.find(gene);
    if (it == geneIndex.end())
    {
      SS_INPUT_ERROR(whereFrom, "header", "gene '" + gene + "' has no column", "predict every gene of the panel");
    }
    columns.push_back(it->second);
  }
  const std::size_t width = predictions.genes.size();
  std::vector<float> out;
  out.reserve(spotIds.size() * genes.size());
  std::size_t missing = 0;
  std::string firstMissing;
  for (const auto & id : spotIds)
  {
    const auto it = spotIndex.find(id);
    if (it == spotIndex.end())
    {
      firstMissing = missing == 0 ? id : firstMissing;
      ++missing;
      continue;
    }
    for (std::size_t c : columns)
    {
      out.push_back(predictions.values[it->second * width + c]);
    }
  }
  if (missing > 0)
  {
    SS_INPUT_ERROR(whereFrom,
                   "spot",
                   std::to_string(missing) + " of the section's " + std::to_string(spotIds.size()) +
                     " spots have no row (first: " + firstMissing + ")",
                   "predict every HR spot of the section");
  }
  if (predictions.spotIds.size() > spotIds.size())
  {
    LogWarning(whereFrom + ": " + std::to_string(predictions.spotIds.size() - spotIds.size()) +
               " rows are not spots of the section and are ignored");
  }
  return out;
}

} // namespace ss
