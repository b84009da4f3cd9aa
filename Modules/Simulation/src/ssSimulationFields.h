#ifndef ssSimulationFields_h
#define ssSimulationFields_h

// Private to SuperSpotSimulation: random streams, smooth random fields, procedural
// noise and the bucket index over cells. Nothing here is installed.

#include "ssTypes.h"

#include <boost/random/mersenne_twister.hpp>

#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

namespace ss
{
namespace sim
{

/** SplitMix64's finalizer: a bijective 64-bit mix, so distinct inputs stay distinct. */
inline std::uint64_t Mix64(std::uint64_t z)
{
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/** One independent random stream per purpose, so that adding draws to one stage never
 * shifts the numbers another stage sees. */
enum class Stream : std::uint64_t
{
  Profiles = 1,
  Field,
  Holes,
  Cells,
  Expression,
  Molecules,
  Pixels,
  Texture
};

/** Seed of stream `s` for the block (a, b) of a slide with seed `seed`. Blocks (tiles of
 * cells) draw from their own streams, which is what makes the output independent of the
 * number of threads. */
inline std::uint64_t StreamSeed(std::uint64_t seed, Stream s, std::uint64_t a = 0, std::uint64_t b = 0)
{
  return Mix64(Mix64(Mix64(Mix64(seed) ^ static_cast<std::uint64_t>(s)) ^ a) ^ (b * 0x632be59bd9b4e019ull));
}

/** The engine; Boost's distributions are used with it because, unlike the standard
 * library's, their algorithms are fixed, so a seed gives the same slide everywhere. */
using Engine = boost::random::mt19937_64;

/** Uniform in [-1, 1) from the integer lattice point (i, j) and a salt. */
inline float LatticeValue(std::int64_t i, std::int64_t j, std::uint64_t salt)
{
  const std::uint64_t h = Mix64(salt ^ Mix64(static_cast<std::uint64_t>(i) * 0x9e3779b97f4a7c15ull ^
                                             static_cast<std::uint64_t>(j) * 0xc2b2ae3d27d4eb4full));
  return static_cast<float>(static_cast<double>(h >> 11) * (2.0 / 9007199254740992.0) - 1.0);
}

/** Value noise in [-1, 1] with unit lattice spacing and C2 (quintic) interpolation: a pure
 * function of the position, so any tile of a slide renders the same pixels. */
inline float ValueNoise(double x, double y, std::uint64_t salt)
{
  const double fx = std::floor(x);
  const double fy = std::floor(y);
  const auto i = static_cast<std::int64_t>(fx);
  const auto j = static_cast<std::int64_t>(fy);
  const double tx = x - fx;
  const double ty = y - fy;
  const double sx = tx * tx * tx * (tx * (tx * 6 - 15) + 10);
  const double sy = ty * ty * ty * (ty * (ty * 6 - 15) + 10);
  const double a = LatticeValue(i, j, salt);
  const double b = LatticeValue(i + 1, j, salt);
  const double c = LatticeValue(i, j + 1, salt);
  const double d = LatticeValue(i + 1, j + 1, salt);
  return static_cast<float>(a + (b - a) * sx + (c - a) * sy + (a - b - c + d) * sx * sy);
}

/** Uniform in [-1, 1) for one pixel. */
inline float PixelNoise(std::int64_t x, std::int64_t y, std::uint64_t salt)
{
  return LatticeValue(x, y, salt);
}

/** \class FieldGrid
 * \brief A scalar field sampled on a regular grid in µm, read back by bilinear
 * interpolation (clamped at the border). */
class FieldGrid
{
public:
  FieldGrid() = default;
  FieldGrid(double originX, double originY, double spacing, std::size_t nx, std::size_t ny)
    : m_OriginX(originX)
    , m_OriginY(originY)
    , m_Spacing(spacing)
    , m_NX(nx)
    , m_NY(ny)
    , m_Values(nx * ny, 0.0f)
  {
  }

  float Sample(double x, double y) const
  {
    double u = (x - m_OriginX) / m_Spacing;
    double v = (y - m_OriginY) / m_Spacing;
    u = u < 0 ? 0 : (u > m_NX - 1 ? m_NX - 1 : u);
    v = v < 0 ? 0 : (v > m_NY - 1 ? m_NY - 1 : v);
    auto i = static_cast<std::size_t>(u);
    auto j = static_cast<std::size_t>(v);
    i = i + 1 < m_NX ? i : (m_NX > 1 ? m_NX - 2 : 0);
    j = j + 1 < m_NY ? j : (m_NY > 1 ? m_NY - 2 : 0);
    const double tx = m_NX > 1 ? u - i : 0;
    const double ty = m_NY > 1 ? v - j : 0;
    const std::size_t i1 = m_NX > 1 ? i + 1 : i;
    const std::size_t j1 = m_NY > 1 ? j + 1 : j;
    const double a = m_Values[j * m_NX + i];
    const double b = m_Values[j * m_NX + i1];
    const double c = m_Values[j1 * m_NX + i];
    const double d = m_Values[j1 * m_NX + i1];
    return static_cast<float>((a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty);
  }

  double X(std::size_t i) const { return m_OriginX + m_Spacing * i; }
  double Y(std::size_t j) const { return m_OriginY + m_Spacing * j; }
  std::size_t NX() const { return m_NX; }
  std::size_t NY() const { return m_NY; }
  double Spacing() const { return m_Spacing; }
  float & At(std::size_t i, std::size_t j) { return m_Values[j * m_NX + i]; }
  float At(std::size_t i, std::size_t j) const { return m_Values[j * m_NX + i]; }
  std::vector<float> & Values() { return m_Values; }
  std::size_t MemoryBytes() const { return m_Values.size() * sizeof(float); }

private:
  double m_OriginX = 0;
  double m_OriginY = 0;
  double m_Spacing = 1;
  std::size_t m_NX = 0;
  std::size_t m_NY = 0;
  std::vector<float> m_Values;
};

/** A stationary Gaussian random field over `box` (µm): white noise smoothed with a
 * Gaussian of `sigmaUm` (ITK's recursive Gaussian), scaled to unit variance, sampled every
 * sigmaUm / 4 (smooth enough for bilinear read-back). The noise covers the box plus 3 σ
 * so that the field has the same statistics at the border as inside. */
FieldGrid MakeGaussianRandomField(const BoundingBox & box, double sigmaUm, std::uint64_t seed, unsigned int workUnits);

/** \class CellIndex
 * \brief Bucket grid over cell centres (compressed rows): which cells have their centre
 * in a rectangle. Cells are nearly uniform in size and dense, where a flat grid answers
 * a query in time proportional to its answer. */
class CellIndex
{
public:
  CellIndex() = default;
  /** Indexes the cells `subset` (every cell when null) by their centres (x, y). */
  CellIndex(const std::vector<float> & x,
            const std::vector<float> & y,
            const BoundingBox & bounds,
            double binUm,
            const std::vector<std::uint32_t> * subset = nullptr);

  /** Calls f(cell) for every cell with its centre in [x0, x1] x [y0, y1] (in bucket order). */
  template<typename F>
  void ForEachIn(double x0, double y0, double x1, double y1, F && f) const
  {
    if (m_NX == 0)
    {
      return;
    }
    const std::size_t i0 = Bin(x0, m_OriginX, m_NX);
    const std::size_t i1 = Bin(x1, m_OriginX, m_NX);
    const std::size_t j0 = Bin(y0, m_OriginY, m_NY);
    const std::size_t j1 = Bin(y1, m_OriginY, m_NY);
    for (std::size_t j = j0; j <= j1; ++j)
    {
      for (std::size_t k = m_Start[j * m_NX + i0]; k < m_Start[j * m_NX + i1 + 1]; ++k)
      {
        if (m_X[k] >= x0 && m_X[k] <= x1 && m_Y[k] >= y0 && m_Y[k] <= y1)
        {
          f(m_Cells[k]);
        }
      }
    }
  }
  /** Cells with their centre in the rectangle, in increasing index order. */
  std::vector<std::uint32_t> Query(double x0, double y0, double x1, double y1) const;
  std::size_t MemoryBytes() const { return (m_Start.size() + m_Cells.size() + m_X.size() + m_Y.size()) * 4; }

private:
  std::size_t Bin(double v, double origin, std::size_t n) const
  {
    const double b = std::floor((v - origin) / m_Bin);
    return b < 0 ? 0 : (b >= static_cast<double>(n) ? n - 1 : static_cast<std::size_t>(b));
  }

  double m_OriginX = 0;
  double m_OriginY = 0;
  double m_Bin = 1;
  std::size_t m_NX = 0;
  std::size_t m_NY = 0;
  std::vector<std::uint32_t> m_Start; // bucket b holds entries [m_Start[b], m_Start[b + 1]), buckets row-major
  std::vector<std::uint32_t> m_Cells; // cell index of each entry
  std::vector<float> m_X;             // its centre, copied so a query reads memory in order
  std::vector<float> m_Y;
};

/** Hermite smoothstep: 0 below e0, 1 above e1 (e0 < e1). */
inline float SmoothStep(float e0, float e1, float v)
{
  float t = (v - e0) / (e1 - e0);
  t = t < 0 ? 0 : (t > 1 ? 1 : t);
  return t * t * (3 - 2 * t);
}

/** Runs f(i) for i in [0, n) on `workUnits` ITK pool threads (0: ITK's default). */
void ParallelFor(std::size_t n, unsigned int workUnits, const std::function<void(std::size_t)> & f);

} // namespace sim
} // namespace ss

#endif
