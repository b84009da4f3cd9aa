#include "ssArrayGrid.h"

#include "ssError.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ss
{

std::pair<int, int> OffsetCoordinates(int col, int row, SpotLattice lattice)
{
  if (lattice == SpotLattice::Hexagonal)
  {
    return { FloorDivide(col, 2), row };
  }
  return { col, row };
}

std::pair<int, int> BlockOfArrayPosition(int col, int row, int k, SpotLattice lattice)
{
  if (k < 1)
  {
    throw std::invalid_argument("block size must be at least 1");
  }
  const auto uv = OffsetCoordinates(col, row, lattice);
  return { FloorDivide(uv.first, k), FloorDivide(uv.second, k) };
}

CoordinateFrame FrameWithArrayGrid(const SpotDataset & spots)
{
  if (spots.frame.HasArrayGrid())
  {
    return spots.frame;
  }
  const std::size_t n = spots.NumberOfSpots();
  if (spots.spots.arrayCol.size() != n || spots.spots.arrayRow.size() != n || spots.spots.positionPx.size() != n)
  {
    SS_INPUT_ERROR(spots.source,
                   "array grid",
                   "the spots have no array positions or pixel positions to fit the array grid on",
                   "read the spots with their array_col/array_row (or x/y) and pixel positions");
  }
  CoordinateFrame frame = spots.frame;
  std::vector<double> cols(spots.spots.arrayCol.begin(), spots.spots.arrayCol.end());
  std::vector<double> rows(spots.spots.arrayRow.begin(), spots.spots.arrayRow.end());
  try
  {
    frame.FitArrayGrid(cols, rows, spots.spots.positionPx);
  }
  catch (const std::invalid_argument & e)
  {
    SS_INPUT_ERROR(spots.source, "array grid", e.what(), "the array grid needs at least 3 spots not on one line");
  }
  return frame;
}

ArrayGrid MakeArrayGrid(const SpotDataset & spots)
{
  const std::size_t n = spots.NumberOfSpots();
  if (n == 0 || spots.spots.arrayCol.size() != n || spots.spots.arrayRow.size() != n)
  {
    SS_INPUT_ERROR(spots.source, "array positions", "missing or empty", "read the spots with their array_col/array_row (or x/y)");
  }
  const CoordinateFrame frame = FrameWithArrayGrid(spots);
  ArrayGrid a;
  a.lattice = spots.lattice;
  a.col0 = *std::min_element(spots.spots.arrayCol.begin(), spots.spots.arrayCol.end());
  a.row0 = *std::min_element(spots.spots.arrayRow.begin(), spots.spots.arrayRow.end());
  const int col1 = *std::max_element(spots.spots.arrayCol.begin(), spots.spots.arrayCol.end());
  const int row1 = *std::max_element(spots.spots.arrayRow.begin(), spots.spots.arrayRow.end());

  const PointType o = frame.ArrayToMicrons(0, 0);
  const VectorType colAxis = frame.ArrayToMicrons(1, 0) - o;
  const VectorType rowAxis = frame.ArrayToMicrons(0, 1) - o;
  const double colStep = colAxis.GetNorm();
  VectorType d1 = colAxis / colStep;
  VectorType perpendicular = rowAxis - d1 * (rowAxis * d1);
  const double rowStep = perpendicular.GetNorm();
  if (!(colStep > 0) || !(rowStep > 0) || !std::isfinite(colStep) || !std::isfinite(rowStep))
  {
    SS_INPUT_ERROR(spots.source, "array grid", "the array-grid fit is degenerate", "check the spots' array and pixel positions");
  }
  VectorType d2 = perpendicular / rowStep;
  a.grid.direction(0, 0) = d1[0];
  a.grid.direction(1, 0) = d1[1];
  a.grid.direction(0, 1) = d2[0];
  a.grid.direction(1, 1) = d2[1];
  a.grid.spacing[0] = colStep;
  a.grid.spacing[1] = rowStep;
  a.grid.origin = frame.ArrayToMicrons(a.col0, a.row0);
  a.grid.start.Fill(0);
  a.grid.size[0] = static_cast<itk::SizeValueType>(col1 - a.col0 + 1);
  a.grid.size[1] = static_cast<itk::SizeValueType>(row1 - a.row0 + 1);
  return a;
}

void PlaceSpotsOnArrayGrid(const SpotDataset & spots,
                           const std::vector<float> & values,
                           unsigned int numberOfComponents,
                           const ArrayGrid & arrayGrid,
                           ExpressionImageType::Pointer & image,
                           MaskImageType::Pointer & mask)
{
  const std::size_t n = spots.NumberOfSpots();
  if (values.size() != n * numberOfComponents || numberOfComponents == 0)
  {
    throw std::invalid_argument("PlaceSpotsOnArrayGrid: " + std::to_string(values.size()) + " values for " +
                                std::to_string(n) + " spots of " + std::to_string(numberOfComponents) + " components");
  }
  image = ExpressionImageType::New();
  arrayGrid.grid.ApplyTo(image);
  image->SetNumberOfComponentsPerPixel(numberOfComponents);
  image->Allocate(true);
  mask = MaskImageType::New();
  arrayGrid.grid.ApplyTo(mask);
  mask->Allocate(true);
  const RegionType region = arrayGrid.grid.GetRegion();
  ExpressionImageType::PixelType value(numberOfComponents);
  for (std::size_t s = 0; s < n; ++s)
  {
    const IndexType idx = arrayGrid.IndexOf(spots.spots.arrayCol[s], spots.spots.arrayRow[s]);
    const std::string where = "spot " + (s < spots.spots.id.size() ? spots.spots.id[s] : std::to_string(s));
    if (!region.IsInside(idx))
    {
      SS_INPUT_ERROR(spots.source, "array position", where + " lies outside the array grid", "build the grid from the same spots (MakeArrayGrid)");
    }
    if (mask->GetPixel(idx))
    {
      SS_INPUT_ERROR(spots.source, "array position", where + " shares its array position with another spot", "remove the duplicated spot");
    }
    for (unsigned int c = 0; c < numberOfComponents; ++c)
    {
      value[c] = values[s * numberOfComponents + c];
    }
    image->SetPixel(idx, value);
    mask->SetPixel(idx, 1);
  }
}

} // namespace ss
