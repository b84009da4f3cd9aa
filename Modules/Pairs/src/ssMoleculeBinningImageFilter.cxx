#include "ssMoleculeBinningImageFilter.h"

#include "ssError.h"
#include "ssPairsInternal.h"

#include "itkTotalProgressReporter.h"

#include <algorithm>
#include <cmath>

namespace ss
{

namespace internal
{
void ValidateMolecules(const MoleculeTable & m)
{
  const std::size_t n = m.x.size();
  if (m.y.size() != n || m.gene.size() != n)
  {
    SS_INPUT_ERROR(m.source,
                   "molecules",
                   "x, y and gene have " + std::to_string(n) + ", " + std::to_string(m.y.size()) + " and " +
                     std::to_string(m.gene.size()) + " entries",
                   "this is a reader bug: please report it");
  }
  for (std::size_t i = 0; i < n; ++i)
  {
    if (m.gene[i] < 0 || static_cast<std::size_t>(m.gene[i]) >= m.genes.size())
    {
      SS_INPUT_ERROR(m.source,
                     "gene",
                     "molecule " + std::to_string(i) + " has gene index " + std::to_string(m.gene[i]) + " but there are " +
                       std::to_string(m.genes.size()) + " genes",
                     "this is a reader bug: please report it");
    }
  }
}
} // namespace internal

MoleculeBinningImageFilter::MoleculeBinningImageFilter()
{
  this->SetNumberOfRequiredOutputs(2);
  this->SetNthOutput(0, this->MakeOutput(0));
  this->SetNthOutput(1, this->MakeOutput(1));
}

itk::ProcessObject::DataObjectPointer
MoleculeBinningImageFilter::MakeOutput(itk::ProcessObject::DataObjectPointerArraySizeType idx)
{
  if (idx == 1)
  {
    return MaskImageType::New().GetPointer();
  }
  return ExpressionImageType::New().GetPointer();
}

MaskImageType * MoleculeBinningImageFilter::GetMaskOutput()
{
  return dynamic_cast<MaskImageType *>(this->itk::ProcessObject::GetOutput(1));
}

const MaskImageType * MoleculeBinningImageFilter::GetMaskOutput() const
{
  return dynamic_cast<const MaskImageType *>(this->itk::ProcessObject::GetOutput(1));
}

void MoleculeBinningImageFilter::SetMolecules(const MoleculeTable * molecules)
{
  if (m_Molecules != molecules)
  {
    m_Molecules = molecules;
    this->Modified();
  }
}

void MoleculeBinningImageFilter::SetGenes(const std::vector<std::size_t> & genes)
{
  m_Genes = genes;
  this->Modified();
}

void MoleculeBinningImageFilter::SetOutputGrid(const GridGeometry & grid)
{
  m_OutputGrid = grid;
  m_UseOutputGrid = true;
  this->Modified();
}

void MoleculeBinningImageFilter::SetOutputGridFromReferenceImage(const itk::ImageBase<2> * reference)
{
  if (!reference)
  {
    itkExceptionMacro(<< "SetOutputGridFromReferenceImage: no image");
  }
  this->SetOutputGrid(GridGeometry::FromImage(reference));
}

void MoleculeBinningImageFilter::UseCoveringGrid()
{
  m_UseOutputGrid = false;
  this->Modified();
}

void MoleculeBinningImageFilter::GenerateOutputInformation()
{
  if (!m_Molecules)
  {
    itkExceptionMacro(<< "no molecules: call SetMolecules()");
  }
  internal::ValidateMolecules(*m_Molecules);
  for (const auto g : m_Genes)
  {
    if (g >= m_Molecules->genes.size())
    {
      itkExceptionMacro(<< "gene index " << g << " out of range: " << m_Molecules->source << " has "
                        << m_Molecules->genes.size() << " genes");
    }
  }
  if (!m_UseOutputGrid)
  {
    if (!(m_BinSizeUm > 0) || !std::isfinite(m_BinSizeUm))
    {
      itkExceptionMacro(<< "BinSizeUm must be positive, not " << m_BinSizeUm);
    }
    BoundingBox box;
    for (std::size_t i = 0; i < m_Molecules->Size(); ++i)
    {
      const double x = m_Molecules->x[i];
      const double y = m_Molecules->y[i];
      if (std::isfinite(x) && std::isfinite(y))
      {
        box.Add(x, y);
      }
    }
    if (box.IsEmpty())
    {
      SS_INPUT_ERROR(m_Molecules->source, "molecules", "no molecule with finite coordinates", "check the transcript file");
    }
    // A hair of padding so a molecule sitting exactly on the covering grid's outer edge is
    // not lost to rounding in the µm -> index conversion.
    m_OutputGrid = GridGeometry::Covering(box.Padded(1e-6), m_BinSizeUm);
  }
  const unsigned int components =
    static_cast<unsigned int>(m_Genes.empty() ? m_Molecules->genes.size() : m_Genes.size());
  if (components == 0)
  {
    SS_INPUT_ERROR(m_Molecules->source, "genes", "the molecule table names no genes", "check the transcript file");
  }
  for (unsigned int i = 0; i < 2; ++i)
  {
    auto * output = dynamic_cast<itk::ImageBase<2> *>(this->itk::ProcessObject::GetOutput(i));
    output->SetOrigin(m_OutputGrid.origin);
    output->SetSpacing(m_OutputGrid.spacing);
    output->SetDirection(m_OutputGrid.direction);
    output->SetLargestPossibleRegion(m_OutputGrid.GetRegion());
  }
  this->GetOutput()->SetNumberOfComponentsPerPixel(components);
}

void MoleculeBinningImageFilter::BuildRowIndex()
{
  const MoleculeTable & m = *m_Molecules;
  const RegionType largest = m_OutputGrid.GetRegion();
  const auto width = static_cast<std::int64_t>(largest.GetSize(0));
  const auto height = static_cast<std::int64_t>(largest.GetSize(1));

  std::vector<std::int32_t> slotOfGene(m.genes.size(), -1);
  if (m_Genes.empty())
  {
    for (std::size_t g = 0; g < slotOfGene.size(); ++g)
    {
      slotOfGene[g] = static_cast<std::int32_t>(g);
    }
  }
  else
  {
    for (std::size_t i = 0; i < m_Genes.size(); ++i)
    {
      slotOfGene[m_Genes[i]] = static_cast<std::int32_t>(i);
    }
  }

  // Pass 1: the bin of every molecule (-1 outside the grid) and the row counts.
  std::vector<std::int64_t> row(m.Size(), -1);
  std::vector<std::int32_t> column(m.Size(), 0);
  m_RowStart.assign(static_cast<std::size_t>(height) + 1, 0);
  PointType p;
  for (std::size_t i = 0; i < m.Size(); ++i)
  {
    p[0] = m.x[i];
    p[1] = m.y[i];
    if (!std::isfinite(p[0]) || !std::isfinite(p[1]))
    {
      continue;
    }
    const auto ci = m_OutputGrid.PhysicalToIndex(p);
    const double fx = std::floor(ci[0] + 0.5) - static_cast<double>(largest.GetIndex(0));
    const double fy = std::floor(ci[1] + 0.5) - static_cast<double>(largest.GetIndex(1));
    if (fx < 0 || fy < 0 || fx >= static_cast<double>(width) || fy >= static_cast<double>(height))
    {
      continue;
    }
    row[i] = static_cast<std::int64_t>(fy);
    column[i] = static_cast<std::int32_t>(fx);
    ++m_RowStart[static_cast<std::size_t>(row[i]) + 1];
  }
  for (std::size_t r = 0; r + 1 < m_RowStart.size(); ++r)
  {
    m_RowStart[r + 1] += m_RowStart[r];
  }
  m_MoleculesInGrid = m_RowStart.back();
  // Pass 2: counting sort into rows, then each row by column.
  m_Entries.assign(m_MoleculesInGrid, Entry{ 0, 0 });
  std::vector<std::size_t> next(m_RowStart.begin(), m_RowStart.end() - 1);
  for (std::size_t i = 0; i < m.Size(); ++i)
  {
    if (row[i] >= 0)
    {
      m_Entries[next[static_cast<std::size_t>(row[i])]++] = Entry{ column[i], slotOfGene[static_cast<std::size_t>(m.gene[i])] };
    }
  }
  for (std::size_t r = 0; r + 1 < m_RowStart.size(); ++r)
  {
    std::sort(m_Entries.begin() + static_cast<std::ptrdiff_t>(m_RowStart[r]),
              m_Entries.begin() + static_cast<std::ptrdiff_t>(m_RowStart[r + 1]),
              [](const Entry & a, const Entry & b) { return a.column < b.column; });
  }
}

void MoleculeBinningImageFilter::BeforeThreadedGenerateData()
{
  // Once per change of molecules, genes or grid, not once per streamed piece.
  if (m_RowIndexTime < this->GetMTime() || m_RowStart.empty())
  {
    this->BuildRowIndex();
    m_RowIndexTime.Modified();
  }
}

template <typename F>
void MoleculeBinningImageFilter::ForEachMoleculeInRow(itk::IndexValueType row,
                                                      itk::IndexValueType c0,
                                                      itk::IndexValueType c1,
                                                      F && f) const
{
  const RegionType largest = m_OutputGrid.GetRegion();
  const auto r = static_cast<std::size_t>(row - largest.GetIndex(1));
  const auto first = m_Entries.begin() + static_cast<std::ptrdiff_t>(m_RowStart[r]);
  const auto last = m_Entries.begin() + static_cast<std::ptrdiff_t>(m_RowStart[r + 1]);
  const auto lo = static_cast<std::int32_t>(c0 - largest.GetIndex(0));
  const auto hi = static_cast<std::int32_t>(c1 - largest.GetIndex(0));
  auto it = std::lower_bound(first, last, lo, [](const Entry & e, std::int32_t c) { return e.column < c; });
  for (; it != last && it->column <= hi; ++it)
  {
    f(static_cast<itk::IndexValueType>(it->column) + largest.GetIndex(0), it->slot);
  }
}

void MoleculeBinningImageFilter::DynamicThreadedGenerateData(const OutputImageRegionType & region)
{
  ExpressionImageType * output = this->GetOutput();
  MaskImageType * mask = this->GetMaskOutput();
  itk::TotalProgressReporter progress(this, output->GetRequestedRegion().GetNumberOfPixels());
  const std::size_t components = output->GetNumberOfComponentsPerPixel();
  float * counts = output->GetBufferPointer();
  const RegionType largest = output->GetLargestPossibleRegion();

  const itk::IndexValueType x0 = region.GetIndex(0);
  const itk::IndexValueType x1 = x0 + static_cast<itk::IndexValueType>(region.GetSize(0)) - 1;
  const itk::IndexValueType y0 = region.GetIndex(1);
  const itk::IndexValueType y1 = y0 + static_cast<itk::IndexValueType>(region.GetSize(1)) - 1;

  // Counts: zero each row of the region, then add its molecules.
  for (itk::IndexValueType y = y0; y <= y1; ++y)
  {
    IndexType rowStart = { { x0, y } };
    float * rowCounts = counts + output->ComputeOffset(rowStart) * components;
    std::fill(rowCounts, rowCounts + region.GetSize(0) * components, 0.0f);
    this->ForEachMoleculeInRow(y, x0, x1, [&](itk::IndexValueType x, std::int32_t slot) {
      if (slot >= 0)
      {
        rowCounts[static_cast<std::size_t>(x - x0) * components + static_cast<std::size_t>(slot)] += 1.0f;
      }
    });
    progress.Completed(region.GetSize(0));
  }

  // Mask: occupancy on the region plus a halo of twice the closing radius (cropped to the grid).
  const auto r = static_cast<itk::IndexValueType>(m_MaskClosingRadius);
  RegionType padded = region;
  padded.PadByRadius(2 * r);
  padded.Crop(largest);
  const itk::IndexValueType px0 = padded.GetIndex(0);
  const itk::IndexValueType py0 = padded.GetIndex(1);
  const auto pw = static_cast<itk::IndexValueType>(padded.GetSize(0));
  const auto ph = static_cast<itk::IndexValueType>(padded.GetSize(1));
  std::vector<unsigned char> occupied(static_cast<std::size_t>(pw * ph), 0);
  for (itk::IndexValueType y = py0; y < py0 + ph; ++y)
  {
    this->ForEachMoleculeInRow(y, px0, px0 + pw - 1, [&](itk::IndexValueType x, std::int32_t) {
      occupied[static_cast<std::size_t>((y - py0) * pw + (x - px0))] = 1;
    });
  }
  auto inPadded = [&](itk::IndexValueType x, itk::IndexValueType y) {
    return x >= px0 && y >= py0 && x < px0 + pw && y < py0 + ph;
  };
  auto inGrid = [&](itk::IndexValueType x, itk::IndexValueType y) {
    IndexType idx = { { x, y } };
    return largest.IsInside(idx);
  };
  std::vector<std::pair<itk::IndexValueType, itk::IndexValueType>> disc;
  for (itk::IndexValueType dy = -r; dy <= r; ++dy)
  {
    for (itk::IndexValueType dx = -r; dx <= r; ++dx)
    {
      if (dx * dx + dy * dy <= r * r)
      {
        disc.emplace_back(dx, dy);
      }
    }
  }
  // Dilation on the region plus r (inside the grid; outside it nothing is occupied).
  std::vector<unsigned char> dilated(occupied.size(), 0);
  if (r > 0)
  {
    for (itk::IndexValueType y = std::max(py0, y0 - r); y <= std::min(py0 + ph - 1, y1 + r); ++y)
    {
      for (itk::IndexValueType x = std::max(px0, x0 - r); x <= std::min(px0 + pw - 1, x1 + r); ++x)
      {
        unsigned char any = 0;
        for (const auto & o : disc)
        {
          const itk::IndexValueType qx = x + o.first, qy = y + o.second;
          if (inPadded(qx, qy) && occupied[static_cast<std::size_t>((qy - py0) * pw + (qx - px0))])
          {
            any = 1;
            break;
          }
        }
        dilated[static_cast<std::size_t>((y - py0) * pw + (x - px0))] = any;
      }
    }
  }
  for (itk::IndexValueType y = y0; y <= y1; ++y)
  {
    for (itk::IndexValueType x = x0; x <= x1; ++x)
    {
      unsigned char value = occupied[static_cast<std::size_t>((y - py0) * pw + (x - px0))];
      if (r > 0 && !value)
      {
        // Erosion of the dilation; beyond the grid's edge counts as tissue (safe border).
        value = 1;
        for (const auto & o : disc)
        {
          const itk::IndexValueType qx = x + o.first, qy = y + o.second;
          if (inGrid(qx, qy) && !dilated[static_cast<std::size_t>((qy - py0) * pw + (qx - px0))])
          {
            value = 0;
            break;
          }
        }
      }
      IndexType idx = { { x, y } };
      mask->SetPixel(idx, value);
    }
  }
}

void MoleculeBinningImageFilter::PrintSelf(std::ostream & os, itk::Indent indent) const
{
  Superclass::PrintSelf(os, indent);
  os << indent << "Molecules: " << (m_Molecules ? std::to_string(m_Molecules->Size()) + " from " + m_Molecules->source : "(none)")
     << std::endl;
  os << indent << "Genes:";
  for (const auto g : m_Genes)
  {
    os << " " << g;
  }
  os << (m_Genes.empty() ? " (all)" : "") << std::endl;
  os << indent << "BinSizeUm: " << m_BinSizeUm << std::endl;
  os << indent << "MaskClosingRadius: " << m_MaskClosingRadius << std::endl;
  os << indent << "UseOutputGrid: " << m_UseOutputGrid << std::endl;
  os << indent << "OutputGrid: origin " << m_OutputGrid.origin << " spacing " << m_OutputGrid.spacing << " start "
     << m_OutputGrid.start << " size " << m_OutputGrid.size << std::endl;
  os << indent << "OutputGridDirection: " << m_OutputGrid.direction;
  os << indent << "RowIndex: " << (m_RowStart.empty() ? 0 : m_RowStart.size() - 1) << " rows, " << m_Entries.size()
     << " entries" << std::endl;
  os << indent << "MoleculesInGrid: " << m_MoleculesInGrid << std::endl;
}

} // namespace ss
