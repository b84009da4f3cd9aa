#include "ssColormap.h"

#include "ssError.h"

#include <array>
#include <cmath>

namespace ss
{

namespace
{
using Anchors = std::array<std::array<unsigned char, 3>, 11>;

// viridis and magma at t = 0, 0.1, ..., 1 (matplotlib's maps, released CC0).
constexpr Anchors Viridis{ { { 0x44, 0x01, 0x54 },
                             { 0x48, 0x24, 0x75 },
                             { 0x41, 0x44, 0x87 },
                             { 0x35, 0x5f, 0x8d },
                             { 0x2a, 0x78, 0x8e },
                             { 0x21, 0x91, 0x8c },
                             { 0x22, 0xa8, 0x84 },
                             { 0x44, 0xbf, 0x70 },
                             { 0x7a, 0xd1, 0x51 },
                             { 0xbd, 0xdf, 0x26 },
                             { 0xfd, 0xe7, 0x25 } } };

constexpr Anchors Magma{ { { 0x00, 0x00, 0x04 },
                           { 0x14, 0x0e, 0x36 },
                           { 0x3b, 0x0f, 0x70 },
                           { 0x64, 0x1a, 0x80 },
                           { 0x8c, 0x29, 0x81 },
                           { 0xb7, 0x37, 0x79 },
                           { 0xde, 0x49, 0x68 },
                           { 0xf7, 0x70, 0x5c },
                           { 0xfe, 0x9f, 0x6d },
                           { 0xfe, 0xcf, 0x92 },
                           { 0xfc, 0xfd, 0xbf } } };

// ColorBrewer RdBu (11 classes), reversed: blue for low, near-white at the centre.
constexpr Anchors Diverging{ { { 0x05, 0x30, 0x61 },
                               { 0x21, 0x66, 0xac },
                               { 0x43, 0x93, 0xc3 },
                               { 0x92, 0xc5, 0xde },
                               { 0xd1, 0xe5, 0xf0 },
                               { 0xf7, 0xf7, 0xf7 },
                               { 0xfd, 0xdb, 0xc7 },
                               { 0xf4, 0xa5, 0x82 },
                               { 0xd6, 0x60, 0x4d },
                               { 0xb2, 0x18, 0x2b },
                               { 0x67, 0x00, 0x1f } } };

const Anchors & AnchorsOf(ColormapName name)
{
  switch (name)
  {
    case ColormapName::Magma:
      return Magma;
    case ColormapName::Diverging:
      return Diverging;
    case ColormapName::Viridis:
    default:
      return Viridis;
  }
}
} // namespace

std::string ToString(ColormapName name)
{
  switch (name)
  {
    case ColormapName::Magma:
      return "magma";
    case ColormapName::Diverging:
      return "diverging";
    case ColormapName::Viridis:
    default:
      return "viridis";
  }
}

RGBPixelType MakeRGB(unsigned char red, unsigned char green, unsigned char blue)
{
  RGBPixelType p;
  p.Set(red, green, blue);
  return p;
}

RGBPixelType BackgroundGrey()
{
  return MakeRGB(190, 190, 190);
}

Colormap::Colormap(ColormapName name)
  : m_Name(name)
{
}

Colormap Colormap::FromString(const std::string & name)
{
  for (const auto n : { ColormapName::Viridis, ColormapName::Magma, ColormapName::Diverging })
  {
    if (name == ToString(n))
    {
      return Colormap(n);
    }
  }
  SS_INPUT_ERROR("", "colour map", "'" + name + "' is not a colour map", "use viridis, magma or diverging");
}

RGBPixelType Colormap::Map(double t) const
{
  if (std::isnan(t))
  {
    return BackgroundGrey();
  }
  t = std::min(1.0, std::max(0.0, t));
  const Anchors & a = AnchorsOf(m_Name);
  const double position = t * (a.size() - 1);
  const auto lower = std::min(static_cast<std::size_t>(position), a.size() - 2);
  const double f = position - lower;
  RGBPixelType p;
  for (unsigned c = 0; c < 3; ++c)
  {
    p[c] = static_cast<unsigned char>(std::lround((1 - f) * a[lower][c] + f * a[lower + 1][c]));
  }
  return p;
}

} // namespace ss
