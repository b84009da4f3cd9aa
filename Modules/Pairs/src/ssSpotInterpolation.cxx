#include "ssSpotInterpolation.h"

#include "ssArrayGrid.h"
#include "ssError.h"
#include "ssTextTable.h"

#include "itkBSplineInterpolateImageFunction.h"
#include "itkImageRegionIteratorWithIndex.h"
#include "itkMultiThreaderBase.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace ss
{

namespace
{
const double Sqrt3 = std::sqrt(3.0);
constexpr long SplineMargin = 2; // nodes beyond the bounding box a cubic spline reads
} // namespace

struct SpotInterpolator::Splines
{
  using InterpolatorType = itk::BSplineInterpolateImageFunction<FloatImageType, double, double>;
  long col0 = 0; // array position of image index 0
  long row0 = 0;
  std::vector<InterpolatorType::Pointer> interpolators; // one per component
};

std::string ToString(InterpolationMethod method)
{
  switch (method)
  {
    case InterpolationMethod::Nearest:
      return "nearest";
    case InterpolationMethod::Bilinear:
      return "bilinear";
    case InterpolationMethod::BSpline:
      return "bspline";
  }
  return "nearest";
}

InterpolationMethod InterpolationMethodFromString(const std::string & name)
{
  const std::string n = ToLower(name);
  if (n == "nearest")
  {
    return InterpolationMethod::Nearest;
  }
  if (n == "bilinear")
  {
    return InterpolationMethod::Bilinear;
  }
  if (n == "bspline" || n == "b-spline")
  {
    return InterpolationMethod::BSpline;
  }
  throw std::invalid_argument("unknown interpolation '" + name + "' (nearest, bilinear or bspline)");
}

SpotInterpolator::SpotInterpolator(const SpotDataset & lr,
                                   const std::vector<float> & values,
                                   unsigned int numberOfComponents,
                                   InterpolationMethod method)
  : m_Values(values)
  , m_NumberOfComponents(numberOfComponents)
  , m_Method(method)
  , m_Hexagonal(lr.lattice == SpotLattice::Hexagonal)
{
  const std::size_t n = lr.NumberOfSpots();
  if (lr.lattice == SpotLattice::Irregular)
  {
    SS_INPUT_ERROR(lr.source, "lattice", "the spots lie on no regular array grid, so they cannot be interpolated on it", "interpolate spots from Visium or legacy ST arrays, or coarsened blocks");
  }
  if (numberOfComponents == 0 || values.size() != n * numberOfComponents)
  {
    throw std::invalid_argument("SpotInterpolator: " + std::to_string(values.size()) + " values for " +
                                std::to_string(n) + " spots of " + std::to_string(numberOfComponents) + " components");
  }
  if (n == 0 || lr.spots.arrayCol.size() != n || lr.spots.arrayRow.size() != n)
  {
    SS_INPUT_ERROR(lr.source, "array positions", "missing or empty", "read the spots with their array_col/array_row (or x/y)");
  }
  m_Col = lr.spots.arrayCol;
  m_Row = lr.spots.arrayRow;
  m_Col0 = *std::min_element(m_Col.begin(), m_Col.end());
  m_Row0 = *std::min_element(m_Row.begin(), m_Row.end());
  m_Width = *std::max_element(m_Col.begin(), m_Col.end()) - m_Col0 + 1;
  m_Height = *std::max_element(m_Row.begin(), m_Row.end()) - m_Row0 + 1;
  m_NodeSpot.assign(static_cast<std::size_t>(m_Width * m_Height), -1);
  for (std::size_t s = 0; s < n; ++s)
  {
    if (m_Hexagonal && (m_Col[s] + m_Row[s]) % 2 != 0)
    {
      SS_INPUT_ERROR(lr.source, "array position", "spot " + lr.spots.id.at(s) + " has array_col + array_row odd, which no hexagonal (Visium) array has", "check the array coordinates, or read the spots as a square lattice");
    }
    long & node = m_NodeSpot[static_cast<std::size_t>((m_Row[s] - m_Row0) * m_Width + (m_Col[s] - m_Col0))];
    if (node >= 0)
    {
      SS_INPUT_ERROR(lr.source, "array position", "spots " + lr.spots.id.at(static_cast<std::size_t>(node)) + " and " + lr.spots.id.at(s) + " share one array position", "remove the duplicated spot");
    }
    node = static_cast<long>(s);
  }
  // µm evaluation needs the array-grid fit; array-coordinate evaluation does not.
  try
  {
    m_Frame = FrameWithArrayGrid(lr);
    m_HasFrame = true;
  }
  catch (const InputError &)
  {
    m_HasFrame = false;
  }
  if (m_Method == InterpolationMethod::BSpline)
  {
    this->BuildSplines();
  }
}

SpotInterpolator::~SpotInterpolator() = default;

long SpotInterpolator::NodeSpot(long col, long row) const
{
  const long c = col - m_Col0, r = row - m_Row0;
  if (c < 0 || r < 0 || c >= m_Width || r >= m_Height)
  {
    return -1;
  }
  return m_NodeSpot[static_cast<std::size_t>(r * m_Width + c)];
}

bool SpotInterpolator::Nearest(double col, double row, float * out) const
{
  long bestCol = 0, bestRow = 0;
  if (!m_Hexagonal)
  {
    bestCol = std::lround(col);
    bestRow = std::lround(row);
  }
  else
  {
    // Lattice units: x = col, y = row · √3 (so neighbours are 2 apart in every direction).
    double best = std::numeric_limits<double>::infinity();
    const long r0 = std::lround(row);
    for (long r = r0 - 1; r <= r0 + 1; ++r)
    {
      long c = std::lround(col);
      if (((c + r) % 2 + 2) % 2 != 0)
      {
        c = col < static_cast<double>(c) ? c - 1 : c + 1;
      }
      const double dx = static_cast<double>(c) - col;
      const double dy = (static_cast<double>(r) - row) * Sqrt3;
      if (dx * dx + dy * dy < best)
      {
        best = dx * dx + dy * dy;
        bestCol = c;
        bestRow = r;
      }
    }
  }
  const long s = NodeSpot(bestCol, bestRow);
  if (s < 0)
  {
    std::fill(out, out + m_NumberOfComponents, 0.0f);
    return false;
  }
  std::copy_n(m_Values.data() + static_cast<std::size_t>(s) * m_NumberOfComponents, m_NumberOfComponents, out);
  return true;
}

bool SpotInterpolator::LinearWeights(double col, double row, long * spots, double * weights, int & count) const
{
  // Support nodes (col, row) and their unnormalized weights.
  long nodeCol[4], nodeRow[4];
  double w[4];
  int nodes = 0;
  if (!m_Hexagonal)
  {
    const double c0 = std::floor(col), r0 = std::floor(row);
    const double fc = col - c0, fr = row - r0;
    const long c = static_cast<long>(c0), r = static_cast<long>(r0);
    const long cs[4] = { c, c + 1, c, c + 1 };
    const long rs[4] = { r, r, r + 1, r + 1 };
    const double ws[4] = { (1 - fc) * (1 - fr), fc * (1 - fr), (1 - fc) * fr, fc * fr };
    for (int i = 0; i < 4; ++i)
    {
      nodeCol[i] = cs[i];
      nodeRow[i] = rs[i];
      w[i] = ws[i];
    }
    nodes = 4;
  }
  else
  {
    // Triangular-lattice coordinates: (col, row) = a·(2, 0) + b·(1, 1); nodes at integer (a, b).
    const double a = (col - row) / 2, b = row;
    const double a0 = std::floor(a), b0 = std::floor(b);
    const double fa = a - a0, fb = b - b0;
    const long ai = static_cast<long>(a0), bi = static_cast<long>(b0);
    auto node = [&](int i, long da, long db, double weight) {
      nodeCol[i] = 2 * (ai + da) + (bi + db);
      nodeRow[i] = bi + db;
      w[i] = weight;
    };
    // Split the rhombus along its short diagonal (1,0)-(0,1): two equilateral triangles.
    if (fa + fb <= 1)
    {
      node(0, 0, 0, 1 - fa - fb);
      node(1, 1, 0, fa);
      node(2, 0, 1, fb);
    }
    else
    {
      node(0, 1, 1, fa + fb - 1);
      node(1, 1, 0, 1 - fb);
      node(2, 0, 1, 1 - fa);
    }
    nodes = 3;
  }
  double total = 0;
  count = 0;
  for (int i = 0; i < nodes; ++i)
  {
    const long s = NodeSpot(nodeCol[i], nodeRow[i]);
    if (s >= 0 && w[i] > 0)
    {
      spots[count] = s;
      weights[count] = w[i];
      total += w[i];
      ++count;
    }
  }
  if (!(total > 0))
  {
    count = 0;
    return false;
  }
  for (int i = 0; i < count; ++i)
  {
    weights[i] /= total;
  }
  return true;
}

bool SpotInterpolator::Linear(double col, double row, float * out) const
{
  long spots[4];
  double weights[4];
  int count = 0;
  std::fill(out, out + m_NumberOfComponents, 0.0f);
  if (!LinearWeights(col, row, spots, weights, count))
  {
    return false;
  }
  for (unsigned int g = 0; g < m_NumberOfComponents; ++g)
  {
    double v = 0;
    for (int i = 0; i < count; ++i)
    {
      v += weights[i] * m_Values[static_cast<std::size_t>(spots[i]) * m_NumberOfComponents + g];
    }
    out[g] = static_cast<float>(v);
  }
  return true;
}

void SpotInterpolator::BuildSplines()
{
  m_Splines = std::make_unique<Splines>();
  const long col0 = m_Col0 - SplineMargin, row0 = m_Row0 - SplineMargin;
  const long width = m_Width + 2 * SplineMargin, height = m_Height + 2 * SplineMargin;
  m_Splines->col0 = col0;
  m_Splines->row0 = row0;
  const double rowScale = m_Hexagonal ? Sqrt3 : 1.0;
  auto isNode = [&](long c, long r) { return !m_Hexagonal || ((c + r) % 2 + 2) % 2 == 0; };

  // Which spot fills each image pixel: its own, or the nearest one for empty nodes.
  std::vector<long> source(static_cast<std::size_t>(width * height), -1);
  for (long r = row0; r < row0 + height; ++r)
  {
    for (long c = col0; c < col0 + width; ++c)
    {
      if (!isNode(c, r))
      {
        continue;
      }
      long s = NodeSpot(c, r);
      if (s < 0)
      {
        double best = std::numeric_limits<double>::infinity();
        for (std::size_t t = 0; t < m_Col.size(); ++t)
        {
          const double dx = static_cast<double>(m_Col[t] - c);
          const double dy = static_cast<double>(m_Row[t] - r) * rowScale;
          if (dx * dx + dy * dy < best)
          {
            best = dx * dx + dy * dy;
            s = static_cast<long>(t);
          }
        }
      }
      source[static_cast<std::size_t>((r - row0) * width + (c - col0))] = s;
    }
  }

  RegionType region;
  region.SetSize(0, static_cast<itk::SizeValueType>(width));
  region.SetSize(1, static_cast<itk::SizeValueType>(height));
  for (unsigned int g = 0; g < m_NumberOfComponents; ++g)
  {
    auto image = FloatImageType::New();
    image->SetRegions(region);
    image->Allocate();
    float * buffer = image->GetBufferPointer();
    for (long i = 0; i < width * height; ++i)
    {
      const long s = source[static_cast<std::size_t>(i)];
      buffer[i] = s >= 0 ? m_Values[static_cast<std::size_t>(s) * m_NumberOfComponents + g] : 0.0f;
    }
    if (m_Hexagonal)
    {
      for (long r = 0; r < height; ++r)
      {
        for (long c = 0; c < width; ++c)
        {
          if (isNode(c + col0, r + row0))
          {
            continue;
          }
          double sum = 0;
          int count = 0;
          if (c > 0)
          {
            sum += buffer[r * width + c - 1];
            ++count;
          }
          if (c + 1 < width)
          {
            sum += buffer[r * width + c + 1];
            ++count;
          }
          buffer[r * width + c] = static_cast<float>(sum / count);
        }
      }
    }
    auto interpolator = Splines::InterpolatorType::New();
    interpolator->SetSplineOrder(3);
    interpolator->SetInputImage(image);
    m_Splines->interpolators.push_back(interpolator);
  }
}

bool SpotInterpolator::Spline(double col, double row, float * out) const
{
  long spots[4];
  double weights[4];
  int count = 0;
  if (!LinearWeights(col, row, spots, weights, count))
  {
    std::fill(out, out + m_NumberOfComponents, 0.0f);
    return false;
  }
  Splines::InterpolatorType::ContinuousIndexType index;
  index[0] = col - static_cast<double>(m_Splines->col0);
  index[1] = row - static_cast<double>(m_Splines->row0);
  for (unsigned int g = 0; g < m_NumberOfComponents; ++g)
  {
    out[g] = static_cast<float>(m_Splines->interpolators[g]->EvaluateAtContinuousIndex(index));
  }
  return true;
}

bool SpotInterpolator::EvaluateAtArray(double col, double row, float * out) const
{
  if (!std::isfinite(col) || !std::isfinite(row))
  {
    std::fill(out, out + m_NumberOfComponents, 0.0f);
    return false;
  }
  switch (m_Method)
  {
    case InterpolationMethod::Nearest:
      return Nearest(col, row, out);
    case InterpolationMethod::Bilinear:
      return Linear(col, row, out);
    case InterpolationMethod::BSpline:
      return Spline(col, row, out);
  }
  return false;
}

bool SpotInterpolator::EvaluateAtMicrons(const PointType & um, float * out) const
{
  if (!m_HasFrame)
  {
    throw std::logic_error("SpotInterpolator: the LR spots have no array-grid fit, so µm positions cannot be mapped onto their lattice");
  }
  const PointType a = m_Frame.MicronsToArray(um);
  return EvaluateAtArray(a[0], a[1], out);
}

std::vector<float> SpotInterpolator::EvaluateAtArrayPositions(const std::vector<PointType> & arrayPositions,
                                                              std::vector<unsigned char> * valid) const
{
  std::vector<float> values(arrayPositions.size() * m_NumberOfComponents);
  if (valid)
  {
    valid->assign(arrayPositions.size(), 0);
  }
  for (std::size_t i = 0; i < arrayPositions.size(); ++i)
  {
    const bool ok = EvaluateAtArray(arrayPositions[i][0], arrayPositions[i][1], values.data() + i * m_NumberOfComponents);
    if (valid)
    {
      (*valid)[i] = ok ? 1 : 0;
    }
  }
  return values;
}

void SpotInterpolator::EvaluateOnGrid(const GridGeometry & grid, ExpressionImageType::Pointer & image, MaskImageType::Pointer & mask) const
{
  if (!m_HasFrame)
  {
    throw std::logic_error("SpotInterpolator: the LR spots have no array-grid fit, so a µm grid cannot be mapped onto their lattice");
  }
  image = ExpressionImageType::New();
  grid.ApplyTo(image);
  image->SetNumberOfComponentsPerPixel(m_NumberOfComponents);
  image->Allocate();
  mask = MaskImageType::New();
  grid.ApplyTo(mask);
  mask->Allocate();
  auto threader = itk::MultiThreaderBase::New();
  ExpressionImageType * out = image.GetPointer();
  MaskImageType * valid = mask.GetPointer();
  threader->ParallelizeImageRegion<2>(
    grid.GetRegion(),
    [&](const RegionType & region) {
      std::vector<float> values(m_NumberOfComponents);
      ExpressionImageType::PixelType pixel(m_NumberOfComponents);
      itk::ImageRegionIteratorWithIndex<ExpressionImageType> it(out, region);
      for (; !it.IsAtEnd(); ++it)
      {
        const IndexType idx = it.GetIndex();
        const bool ok = EvaluateAtMicrons(grid.IndexToPhysical(static_cast<double>(idx[0]), static_cast<double>(idx[1])), values.data());
        for (unsigned int g = 0; g < m_NumberOfComponents; ++g)
        {
          pixel[g] = values[g];
        }
        it.Set(pixel);
        valid->SetPixel(idx, ok ? 1 : 0);
      }
    },
    nullptr);
}

} // namespace ss
