#include "ssSimulatedTissue.h"

#include "ssError.h"
#include "ssGridGeometry.h"
#include "ssSimulatedHEImageSource.h"
#include "ssSimulatedTissueImpl.h"

#include "itkImageRegionIteratorWithIndex.h"

#include <boost/random/normal_distribution.hpp>

#include <algorithm>
#include <sstream>

namespace ss
{

SimulatedTissue::SimulatedTissue(std::unique_ptr<Impl> impl)
  : m_Impl(std::move(impl))
{
}

SimulatedTissue::~SimulatedTissue() = default;

const SimulationParameters & SimulatedTissue::GetParameters() const
{
  return m_Impl->parameters;
}

const CoordinateFrame & SimulatedTissue::GetFrame() const
{
  return m_Impl->frame;
}

SizeType SimulatedTissue::GetImageSize() const
{
  SizeType size;
  size[0] = m_Impl->widthPx;
  size[1] = m_Impl->heightPx;
  return size;
}

BoundingBox SimulatedTissue::GetBoundsUm() const
{
  BoundingBox box;
  box.Add(0, 0);
  box.Add(m_Impl->parameters.widthUm, m_Impl->parameters.heightUm);
  return box;
}

const std::vector<std::string> & SimulatedTissue::GetGeneNames() const
{
  return m_Impl->geneNames;
}

std::vector<std::string> SimulatedTissue::GetCellTypeNames() const
{
  std::vector<std::string> names;
  for (const auto & t : m_Impl->parameters.cellTypes)
  {
    names.push_back(t.name);
  }
  return names;
}

std::vector<std::string> SimulatedTissue::GetDomainNames() const
{
  std::vector<std::string> names;
  for (const auto & d : m_Impl->parameters.domains)
  {
    names.push_back(d.name);
  }
  return names;
}

const std::vector<int> & SimulatedTissue::GetGeneModules() const
{
  return m_Impl->geneModule;
}

std::vector<double> SimulatedTissue::GetExpectedCounts(unsigned int type) const
{
  const std::size_t G = m_Impl->geneNames.size();
  if (type >= m_Impl->parameters.cellTypes.size())
  {
    throw std::out_of_range("SimulatedTissue::GetExpectedCounts: no cell type " + std::to_string(type));
  }
  return std::vector<double>(m_Impl->expected.begin() + type * G, m_Impl->expected.begin() + (type + 1) * G);
}

const SimulatedCells & SimulatedTissue::GetCells() const
{
  return m_Impl->cells;
}

const SparseCounts & SimulatedTissue::GetCellCounts() const
{
  return m_Impl->counts;
}

const std::vector<float> & SimulatedTissue::GetCellModuleActivity() const
{
  return m_Impl->moduleActivity;
}

std::size_t SimulatedTissue::GetNumberOfMolecules() const
{
  std::size_t n = 0;
  for (const float v : m_Impl->counts.GetValues())
  {
    n += static_cast<std::size_t>(v);
  }
  return n;
}

std::vector<std::uint32_t> SimulatedTissue::CellsInBox(const BoundingBox & box) const
{
  if (box.IsEmpty())
  {
    return {};
  }
  return m_Impl->index.Query(box.minX, box.minY, box.maxX, box.maxY);
}

MoleculeTable SimulatedTissue::MakeMolecules(std::vector<std::int32_t> * moleculeCell, unsigned int workUnits) const
{
  const auto & s = *m_Impl;
  const auto & p = s.parameters;
  const auto & columns = s.counts.GetColumnPointers();
  const auto & rows = s.counts.GetRowIndices();
  const auto & values = s.counts.GetValues();
  const std::size_t tiles = s.tileBegin.size() - 1;
  const std::size_t nx = s.TilesX();

  // Each tile writes its molecules at a fixed offset, so the table comes out in the same
  // order (tile, cell, gene) whatever the threads.
  std::vector<std::size_t> offset(tiles + 1, 0);
  for (std::size_t k = 0; k < tiles; ++k)
  {
    std::size_t n = 0;
    for (auto e = columns[s.tileBegin[k]]; e < columns[s.tileBegin[k + 1]]; ++e)
    {
      n += static_cast<std::size_t>(values[e]);
    }
    offset[k + 1] = offset[k] + n;
  }
  const std::size_t total = offset.back();

  MoleculeTable table;
  table.source = "simulated slide (seed " + std::to_string(p.seed) + ")";
  table.platform = "simulated";
  table.genes = s.geneNames;
  table.x.resize(total);
  table.y.resize(total);
  table.gene.resize(total);
  if (moleculeCell)
  {
    moleculeCell->assign(total, 0);
  }
  sim::ParallelFor(tiles,
                   workUnits,
                   [&](std::size_t k)
                   {
                     sim::Engine engine(sim::StreamSeed(p.seed, sim::Stream::Molecules, k % nx, k / nx));
                     boost::random::normal_distribution<double> normal;
                     std::size_t out = offset[k];
                     for (std::size_t c = s.tileBegin[k]; c < s.tileBegin[k + 1]; ++c)
                     {
                       const double r = s.cells.radius[c];
                       const double sd = p.moleculeSpread * r;
                       for (auto e = columns[c]; e < columns[c + 1]; ++e)
                       {
                         for (long m = 0; m < static_cast<long>(values[e]); ++m)
                         {
                           // Truncated Gaussian around the cell centre: redraw offsets beyond the cell
                           // radius, and after a few misses (wide spreads) pull the last one inside.
                           double dx = 0;
                           double dy = 0;
                           for (int attempt = 0; attempt < 8; ++attempt)
                           {
                             dx = sd * normal(engine);
                             dy = sd * normal(engine);
                             if (dx * dx + dy * dy <= r * r)
                             {
                               break;
                             }
                           }
                           if (dx * dx + dy * dy > r * r)
                           {
                             const double d = std::sqrt(dx * dx + dy * dy);
                             dx *= 0.999 * r / d;
                             dy *= 0.999 * r / d;
                           }
                           table.x[out] = static_cast<float>(s.cells.x[c] + dx);
                           table.y[out] = static_cast<float>(s.cells.y[c] + dy);
                           table.gene[out] = rows[e];
                           if (moleculeCell)
                           {
                             (*moleculeCell)[out] = static_cast<std::int32_t>(c);
                           }
                           ++out;
                         }
                       }
                     }
                   });
  return table;
}

bool SimulatedTissue::IsInTissue(double x, double y) const
{
  return m_Impl->TissueSignal(x, y) > 0;
}

int SimulatedTissue::DomainAt(double x, double y) const
{
  return m_Impl->DomainAt(x, y);
}

namespace
{
/** An empty (0) label image over `bounds`, pixels of `spacingUm` on the global lattice. */
MaskImageType::Pointer MakeLabelGrid(const BoundingBox & bounds, double spacingUm)
{
  if (!(spacingUm > 0) || !std::isfinite(spacingUm))
  {
    SS_INPUT_ERROR("label map", "spacingUm", "is " + std::to_string(spacingUm), "give a positive pixel size in µm");
  }
  const auto grid = GridGeometry::Covering(bounds, spacingUm);
  auto image = MaskImageType::New();
  grid.ApplyTo(image);
  image->Allocate(true);
  return image;
}
} // namespace

MaskImageType::Pointer SimulatedTissue::MakeDomainLabelImage(double spacingUm) const
{
  auto image = MakeLabelGrid(GetBoundsUm(), spacingUm);
  const auto region = image->GetBufferedRegion();
  sim::ParallelFor(region.GetSize(1),
                   0,
                   [&](std::size_t row)
                   {
                     RegionType line = region;
                     line.SetIndex(1, region.GetIndex(1) + static_cast<itk::IndexValueType>(row));
                     line.SetSize(1, 1);
                     for (itk::ImageRegionIteratorWithIndex<MaskImageType> it(image, line); !it.IsAtEnd(); ++it)
                     {
                       PointType p;
                       image->TransformIndexToPhysicalPoint(it.GetIndex(), p);
                       it.Set(static_cast<unsigned char>(m_Impl->DomainAt(p[0], p[1]) + 1));
                     }
                   });
  return image;
}

MaskImageType::Pointer SimulatedTissue::MakeCellTypeLabelImage(double spacingUm) const
{
  auto image = MakeLabelGrid(GetBoundsUm(), spacingUm);
  const auto & cells = m_Impl->cells;
  const auto region = image->GetBufferedRegion();
  // Each cell paints the pixel centres inside its body; where bodies overlap, the cell
  // with the smallest distance relative to its radius wins (the lower index on ties).
  std::vector<float> best(region.GetNumberOfPixels(), 1.0f);
  for (std::size_t c = 0; c < cells.Size(); ++c)
  {
    const double r = cells.radius[c];
    PointType lo;
    PointType hi;
    lo[0] = cells.x[c] - r;
    lo[1] = cells.y[c] - r;
    hi[0] = cells.x[c] + r;
    hi[1] = cells.y[c] + r;
    const auto a = image->TransformPhysicalPointToContinuousIndex<double>(lo);
    const auto b = image->TransformPhysicalPointToContinuousIndex<double>(hi);
    const auto i0 =
      std::max<itk::IndexValueType>(region.GetIndex(0), static_cast<itk::IndexValueType>(std::ceil(a[0])));
    const auto j0 =
      std::max<itk::IndexValueType>(region.GetIndex(1), static_cast<itk::IndexValueType>(std::ceil(a[1])));
    const auto i1 =
      std::min<itk::IndexValueType>(region.GetUpperIndex()[0], static_cast<itk::IndexValueType>(std::floor(b[0])));
    const auto j1 =
      std::min<itk::IndexValueType>(region.GetUpperIndex()[1], static_cast<itk::IndexValueType>(std::floor(b[1])));
    for (auto j = j0; j <= j1; ++j)
    {
      for (auto i = i0; i <= i1; ++i)
      {
        const IndexType index{ { i, j } };
        PointType p;
        image->TransformIndexToPhysicalPoint(index, p);
        const double dx = p[0] - cells.x[c];
        const double dy = p[1] - cells.y[c];
        const auto d = static_cast<float>(std::sqrt(dx * dx + dy * dy) / r);
        const auto k = image->ComputeOffset(index);
        if (d < best[k])
        {
          best[k] = d;
          image->GetBufferPointer()[k] = static_cast<unsigned char>(cells.type[c] + 1);
        }
      }
    }
  }
  return image;
}

RGBRegionRenderer SimulatedTissue::GetRenderer(unsigned int workUnits) const
{
  auto self = shared_from_this();
  return
    [self, workUnits](std::int64_t x0, std::int64_t y0, std::uint32_t width, std::uint32_t height, std::uint8_t * rgb)
  { self->RenderRegion(x0, y0, width, height, rgb, workUnits); };
}

RGBImageType::Pointer SimulatedTissue::RenderImage(unsigned int workUnits) const
{
  IndexType start;
  start.Fill(0);
  return RenderImage(RegionType(start, GetImageSize()), workUnits);
}

RGBImageType::Pointer SimulatedTissue::RenderImage(const RegionType & region, unsigned int workUnits) const
{
  const double pixels = static_cast<double>(region.GetSize(0)) * static_cast<double>(region.GetSize(1));
  if (pixels > static_cast<double>(MaxRenderImagePixels))
  {
    std::ostringstream problem;
    problem << region.GetSize(0) << " x " << region.GetSize(1) << " px is more than " << MaxRenderImagePixels
            << " pixels in memory";
    SS_INPUT_ERROR("simulated H&E",
                   "region",
                   problem.str(),
                   "render a smaller region, or write the slide tile by tile with GetRenderer()");
  }
  auto source = SimulatedHEImageSource::New();
  source->SetTissue(shared_from_this());
  if (workUnits > 0)
  {
    source->SetNumberOfWorkUnits(workUnits);
  }
  source->UpdateOutputInformation();
  if (!source->GetOutput()->GetLargestPossibleRegion().IsInside(region))
  {
    std::ostringstream problem;
    problem << "[" << region.GetIndex(0) << ", " << region.GetIndex(1) << "] + " << region.GetSize(0) << " x "
            << region.GetSize(1) << " px is not inside the slide's " << m_Impl->widthPx << " x " << m_Impl->heightPx
            << " px";
    SS_INPUT_ERROR("simulated H&E", "region", problem.str(), "request a region inside the slide");
  }
  source->GetOutput()->SetRequestedRegion(region);
  source->Update();
  RGBImageType::Pointer image = source->GetOutput();
  image->DisconnectPipeline();
  return image;
}

std::size_t SimulatedTissue::GetMemoryBytes() const
{
  const auto & s = *m_Impl;
  std::size_t bytes = s.cells.Size() * (10 * sizeof(float) + 2);
  bytes += s.moduleActivity.size() * sizeof(float);
  bytes +=
    s.counts.GetColumnPointers().size() * 8 + s.counts.GetRowIndices().size() * 4 + s.counts.GetValues().size() * 4;
  bytes += s.tissue.MemoryBytes() + s.fibreCos.MemoryBytes() + s.fibreSin.MemoryBytes() + s.stain.MemoryBytes();
  for (const auto & f : s.domainFields)
  {
    bytes += f.MemoryBytes();
  }
  for (const auto & f : s.moduleFields)
  {
    bytes += f.MemoryBytes();
  }
  bytes += s.index.MemoryBytes() + s.tileBegin.size() * sizeof(std::size_t);
  return bytes;
}

} // namespace ss
