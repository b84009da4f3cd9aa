#include "ssBenchmarkCharts.h"
#include "ssBenchmarkInternal.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssProgress.h"
#include "ssResultFigure.h"
#include "ssTextTable.h"

#include "itkImageRegionConstIteratorWithIndex.h"

#include <algorithm>
#include <sstream>

namespace ss
{
namespace benchmark
{

GeneMaps ToGeneMaps(const ExpressionImageType * image)
{
  const RegionType region = image->GetBufferedRegion();
  if (region != image->GetLargestPossibleRegion())
  {
    throw std::invalid_argument("ToGeneMaps: the image holds only part of its grid");
  }
  GeneMaps maps;
  maps.width = region.GetSize(0);
  maps.height = region.GetSize(1);
  const std::size_t G = image->GetNumberOfComponentsPerPixel();
  maps.genes.assign(G, std::vector<float>(maps.NumberOfPixels()));
  itk::ImageRegionConstIteratorWithIndex<ExpressionImageType> it(image, region);
  for (; !it.IsAtEnd(); ++it)
  {
    const IndexType i = it.GetIndex();
    const std::size_t p = static_cast<std::size_t>(i[1] - region.GetIndex(1)) * maps.width +
                          static_cast<std::size_t>(i[0] - region.GetIndex(0));
    const auto v = it.Get();
    for (std::size_t g = 0; g < G; ++g)
    {
      maps.genes[g][p] = v[static_cast<unsigned int>(g)];
    }
  }
  return maps;
}

std::vector<GeneMaps> SampleMaps(const ExpressionImageType * samples, std::size_t genes)
{
  const GeneMaps all = ToGeneMaps(samples);
  if (genes == 0 || all.NumberOfGenes() % genes != 0)
  {
    throw std::invalid_argument("SampleMaps: " + std::to_string(all.NumberOfGenes()) +
                                " components are not K samples of " + std::to_string(genes) + " genes");
  }
  std::vector<GeneMaps> out(all.NumberOfGenes() / genes);
  for (std::size_t k = 0; k < out.size(); ++k)
  {
    out[k].width = all.width;
    out[k].height = all.height;
    out[k].genes.assign(all.genes.begin() + static_cast<std::ptrdiff_t>(k * genes),
                        all.genes.begin() + static_cast<std::ptrdiff_t>((k + 1) * genes));
  }
  return out;
}

ValidityMask AndMasks(const MaskImageType * a, const MaskImageType * b)
{
  const MaskImageType * first = a ? a : b;
  if (!first)
  {
    throw std::invalid_argument("AndMasks: no mask");
  }
  const RegionType region = first->GetLargestPossibleRegion();
  ValidityMask mask(region.GetNumberOfPixels(), 1);
  for (const MaskImageType * m : { a, b })
  {
    if (!m)
    {
      continue;
    }
    if (m->GetLargestPossibleRegion() != region)
    {
      throw std::invalid_argument("AndMasks: the masks lie on different grids");
    }
    itk::ImageRegionConstIteratorWithIndex<MaskImageType> it(m, region);
    for (; !it.IsAtEnd(); ++it)
    {
      const IndexType i = it.GetIndex();
      const std::size_t p = static_cast<std::size_t>(i[1] - region.GetIndex(1)) * region.GetSize(0) +
                            static_cast<std::size_t>(i[0] - region.GetIndex(0));
      mask[p] = mask[p] && it.Get() != 0;
    }
  }
  return mask;
}

FloatImageType::Pointer GeneImage(const GeneMaps & maps, std::size_t g, const GridGeometry & grid)
{
  auto image = FloatImageType::New();
  grid.ApplyTo(image);
  image->Allocate();
  const RegionType region = image->GetLargestPossibleRegion();
  if (region.GetSize(0) != maps.width || region.GetSize(1) != maps.height)
  {
    throw std::invalid_argument("GeneImage: the maps are not on the grid");
  }
  std::copy(maps.genes.at(g).begin(), maps.genes.at(g).end(), image->GetBufferPointer());
  return image;
}

MaskImageType::Pointer MaskImage(const ValidityMask & mask, const GridGeometry & grid)
{
  auto image = MaskImageType::New();
  grid.ApplyTo(image);
  image->Allocate();
  if (mask.size() != image->GetLargestPossibleRegion().GetNumberOfPixels())
  {
    throw std::invalid_argument("MaskImage: the mask is not on the grid");
  }
  std::copy(mask.begin(), mask.end(), image->GetBufferPointer());
  return image;
}

void WriteMapFigure(const std::string & path,
                    const std::vector<NamedMap> & maps,
                    const RGBImageType * histology,
                    const GridGeometry & grid,
                    unsigned int panelSize)
{
  std::vector<ResultPanel> panels;
  for (const auto & m : maps)
  {
    ResultPanel p;
    p.kind = ResultPanelKind::ScalarMap;
    p.title = m.title;
    p.map = m.map;
    p.mask = m.mask;
    p.colormap = Colormap(m.uncertainty ? ColormapName::Magma : ColormapName::Viridis);
    p.scale = m.uncertainty ? UncertaintyScale : ExpressionScale;
    p.colorBar = m.uncertainty || &m == &maps.back() || (&m + 1)->uncertainty;
    panels.push_back(p);
  }
  if (histology)
  {
    ResultPanel p;
    p.kind = ResultPanelKind::Image;
    p.title = "H&E";
    p.image = histology;
    panels.push_back(p);
  }
  ResultFigureOptions o;
  o.extent = grid;
  o.panelSize = panelSize;
  o.scales[UncertaintyScale].fromZero = true;
  CreateDirectories(ParentPath(path));
  WriteResultFigure(path, panels, o);
}

std::vector<std::size_t> ExampleGeneIndices(const std::vector<std::string> & genes,
                                            const std::vector<std::string> & asked)
{
  if (asked.empty())
  {
    return { 0 };
  }
  std::vector<std::size_t> indices;
  for (const auto & a : asked)
  {
    const auto it = std::find(genes.begin(), genes.end(), a);
    if (it == genes.end())
    {
      SS_INPUT_ERROR("command line",
                     "--exampleGenes",
                     "'" + a + "' is not a gene of the benchmark",
                     "name genes of the panel (or of the phantom)");
    }
    indices.push_back(static_cast<std::size_t>(it - genes.begin()));
  }
  return indices;
}

std::vector<std::string> MethodNames(const std::vector<BenchmarkMethod> & methods, bool learnedOnly)
{
  std::vector<std::string> names;
  for (const auto & m : methods)
  {
    if (!learnedOnly || m.IsLearned())
    {
      names.push_back(m.name);
    }
  }
  return names;
}

std::string TargetsMarkdown(const std::vector<TargetCheck> & checks)
{
  std::ostringstream md;
  md << "\n## Targets\n\n| target | measured | met |\n|---|---|---|\n";
  for (const auto & c : checks)
  {
    md << "| " << c.what << " | " << c.measured << " | " << (c.met ? "yes" : "**no**") << " |\n";
  }
  return md.str();
}

void WriteReport(const ResultsTable & results,
                 const std::string & output,
                 const std::string & title,
                 const std::vector<BenchmarkMethod> & methods,
                 const std::vector<std::string> & chartMetrics,
                 const std::string & extraMarkdown)
{
  CreateDirectories(output);
  results.WriteJSON(JoinPath(output, "results.json"));
  // The per-model training records are a table of their own in the markdown, not a JSON line.
  ResultsTable forMarkdown = results;
  std::ostringstream training;
  if (forMarkdown.Metadata().contains("training"))
  {
    training << "\n## Training (one model per fold and learned method)\n\n"
                "| model | windows | steps | seconds | final loss (mean of the last 10 % of steps) | reused |\n"
                "|---|---:|---:|---:|---:|---|\n";
    for (const auto & [name, t] : forMarkdown.Metadata()["training"].items())
    {
      training << "| " << name << " | " << t.value("windows", 0) << " | " << t.value("steps", 0) << " | "
               << FormatNumber(t.value("seconds", 0.0), 1) << " | " << FormatNumber(t.value("finalLoss", 0.0), 4)
               << " | " << (t.value("reused", false) ? "yes" : "no") << " |\n";
    }
    forMarkdown.Metadata().erase("training");
  }
  WriteTextFileAtomically(JoinPath(output, "results.md"),
                          forMarkdown.ToMarkdown(title, 3) + extraMarkdown + training.str());
  const auto names = MethodNames(methods), learned = MethodNames(methods, true);
  for (const auto & metric : chartMetrics)
  {
    bool present = false;
    for (const auto & m : names)
    {
      present = present || results.OverallMean(m, metric).used > 0;
    }
    if (!present)
    {
      continue;
    }
    const std::string path = JoinPath(JoinPath(output, "charts"), metric + ".png");
    CreateDirectories(ParentPath(path));
    WriteMetricBarChart(
      path, results, metric, names, learned, metric + " (bar: mean over groups, whisker: +-sd, dots: groups)");
  }
}

void RecordTraining(ResultsTable & results, const std::string & name, const BenchmarkTraining & training)
{
  results.Metadata()["training"][name] = training.ToJSON();
}

} // namespace benchmark
} // namespace ss
