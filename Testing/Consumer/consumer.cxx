// Uses SuperSpot from its installed headers and CMake package.
#include "ssCoordinateFrame.h"
#include "ssGridGeometry.h"

#include <cmath>
#include <iostream>

int main()
{
  const auto frame = ss::CoordinateFrame::FromMicronsPerPixel(0.5);
  ss::PointType px;
  px[0] = 10;
  px[1] = 20;
  const auto um = frame.FullResPxToMicrons(px);
  if (std::abs(um[0] - 5) > 1e-9 || std::abs(um[1] - 10) > 1e-9)
  {
    std::cerr << "wrong conversion\n";
    return 1;
  }
  std::cout << "SuperSpot consumer OK\n";
  return 0;
}
