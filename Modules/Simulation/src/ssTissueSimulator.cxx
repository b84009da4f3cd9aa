#include "ssTissueSimulator.h"

#include "ssProgress.h"
#include "ssSimulatedTissueImpl.h"

#include <boost/random/discrete_distribution.hpp>
#include <boost/random/gamma_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>
#include <boost/random/uniform_01.hpp>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <numeric>
#include <sstream>

namespace ss
{

namespace
{

using sim::Engine;
using sim::Stream;
using sim::StreamSeed;

/** Log-normal factor with mean 1 and coefficient of variation `cv`. */
double LogNormalFactor(Engine & engine, double cv)
{
  if (cv <= 0)
  {
    return 1;
  }
  const double s = std::sqrt(std::log1p(cv * cv));
  return std::exp(s * boost::random::normal_distribution<double>()(engine) - 0.5 * s * s);
}

double Uniform(Engine & engine)
{
  return boost::random::uniform_01<double>()(engine);
}

double Normal(Engine & engine)
{
  return boost::random::normal_distribution<double>()(engine);
}

/** Stage 1: gene modules and per-type profiles, from profileSeed only. */
void DrawBiology(SimulatedTissue::Impl & s)
{
  const auto & p = s.parameters;
  const std::size_t G = p.numberOfGenes;
  const std::size_t M = p.numberOfModules;
  const std::size_t T = p.cellTypes.size();
  const auto housekeeping = static_cast<std::size_t>(std::lround(p.housekeepingFraction * G));
  const std::size_t moduleGenes = G - housekeeping;

  // Modules are contiguous blocks of genes, housekeeping genes come last: the names
  // then read as the structure in figures (SIM-G001.. in module 0, ...).
  s.geneModule.assign(G, -1);
  for (std::size_t g = 0; g < moduleGenes; ++g)
  {
    s.geneModule[g] = static_cast<int>(g * M / moduleGenes);
  }
  const int digits = std::max(3, static_cast<int>(std::to_string(G).size()));
  s.geneNames.resize(G);
  for (std::size_t g = 0; g < G; ++g)
  {
    std::ostringstream name;
    name << "SIM-G" << std::setw(digits) << std::setfill('0') << g + 1;
    s.geneNames[g] = name.str();
  }

  Engine engine(StreamSeed(p.profileSeed, Stream::Profiles));
  std::vector<double> activity(T * M);
  for (std::size_t t = 0; t < T; ++t)
  {
    for (std::size_t m = 0; m < M; ++m)
    {
      activity[t * M + m] = p.moduleTypeSd * Normal(engine) + (m == t % M ? p.markerModuleBoost : 0.0);
    }
  }
  std::vector<double> geneLevel(G);
  for (auto & w : geneLevel)
  {
    w = 0.5 * Normal(engine); // genes of one module differ in overall level
  }
  s.expected.assign(T * G, 0.0);
  for (std::size_t t = 0; t < T; ++t)
  {
    double sum = 0;
    for (std::size_t g = 0; g < G; ++g)
    {
      const int m = s.geneModule[g];
      const double log = geneLevel[g] + p.geneTypeSd * Normal(engine) + (m >= 0 ? activity[t * M + m] : 0.0);
      s.expected[t * G + g] = std::exp(log);
      sum += s.expected[t * G + g];
    }
    const double total = p.meanMoleculesPerCell * p.cellTypes[t].relativeRNA;
    for (std::size_t g = 0; g < G; ++g)
    {
      s.expected[t * G + g] *= total / sum;
    }
  }
}

/** Stage 2: outline, holes, domains and the other smooth fields. */
void DrawFields(SimulatedTissue::Impl & s, unsigned int workUnits)
{
  const auto & p = s.parameters;
  BoundingBox slide;
  slide.Add(0, 0);
  slide.Add(p.widthUm, p.heightUm);
  auto fieldSeed = [&p](std::uint64_t k) { return StreamSeed(p.seed, Stream::Field, k); };

  const auto outlineCoarse = sim::MakeGaussianRandomField(slide, p.outlineScaleUm, fieldSeed(0), workUnits);
  const auto outlineFine = sim::MakeGaussianRandomField(slide, p.outlineScaleUm / 5, fieldSeed(1), workUnits);

  // Tissue signal ≈ µm to the outline of a rounded rectangle (superellipse of degree 4)
  // inset from the slide edge, made irregular by the outline fields.
  const double inset = p.tissueInset * std::min(p.widthUm, p.heightUm);
  const double ax = p.widthUm / 2 - inset;
  const double ay = p.heightUm / 2 - inset;
  const double R = std::min(ax, ay);
  const double h = SimulatedTissue::Impl::TissueFieldSpacingUm;
  s.tissue = sim::FieldGrid(0,
                            0,
                            h,
                            static_cast<std::size_t>(std::ceil(p.widthUm / h)) + 1,
                            static_cast<std::size_t>(std::ceil(p.heightUm / h)) + 1);
  auto outline = [&](double x, double y)
  {
    const double u = std::abs(x - p.widthUm / 2) / ax;
    const double v = std::abs(y - p.heightUm / 2) / ay;
    const double rho = std::sqrt(std::sqrt(u * u * u * u + v * v * v * v));
    const double irregular =
      R * (1 - rho) + p.outlineRoughness * R * (outlineCoarse.Sample(x, y) + 0.3 * outlineFine.Sample(x, y));
    // Tissue may reach the slide's edge but not beyond (the capture area ends there).
    const double edge = std::min(std::min(x, p.widthUm - x), std::min(y, p.heightUm - y));
    return std::min(irregular, edge);
  };
  sim::ParallelFor(s.tissue.NY(),
                   workUnits,
                   [&](std::size_t j)
                   {
                     for (std::size_t i = 0; i < s.tissue.NX(); ++i)
                     {
                       s.tissue.At(i, j) = static_cast<float>(outline(s.tissue.X(i), s.tissue.Y(j)));
                     }
                   });

  // Holes (vessels, lumina, tears): irregular discs cut out of the tissue.
  Engine holeEngine(StreamSeed(p.seed, Stream::Holes));
  const double expectedHoles = p.holesPerMm2 * p.widthUm * p.heightUm * 1e-6;
  const long holes =
    expectedHoles > 0 ? boost::random::poisson_distribution<long, double>(expectedHoles)(holeEngine) : 0;
  for (long k = 0; k < holes; ++k)
  {
    const double cx = Uniform(holeEngine) * p.widthUm;
    const double cy = Uniform(holeEngine) * p.heightUm;
    const double r = p.holeRadiusUm * LogNormalFactor(holeEngine, 0.4);
    if (!(s.tissue.Sample(cx, cy) > r))
    {
      continue; // only holes that lie within the tissue
    }
    const double reach = 1.9 * r;
    const auto i0 = static_cast<std::size_t>(std::max(0.0, std::floor((cx - reach) / h)));
    const auto j0 = static_cast<std::size_t>(std::max(0.0, std::floor((cy - reach) / h)));
    const auto i1 = std::min(s.tissue.NX() - 1, static_cast<std::size_t>(std::ceil((cx + reach) / h)));
    const auto j1 = std::min(s.tissue.NY() - 1, static_cast<std::size_t>(std::ceil((cy + reach) / h)));
    for (std::size_t j = j0; j <= j1; ++j)
    {
      for (std::size_t i = i0; i <= i1; ++i)
      {
        const double x = s.tissue.X(i);
        const double y = s.tissue.Y(j);
        const double hole =
          std::sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy)) - r + 0.3 * r * outlineFine.Sample(x, y);
        s.tissue.At(i, j) = std::min(s.tissue.At(i, j), static_cast<float>(hole));
      }
    }
  }

  const std::size_t D = p.domains.size();
  s.domainFields.clear();
  for (std::size_t d = 0; d < D; ++d)
  {
    s.domainFields.push_back(sim::MakeGaussianRandomField(slide, p.domainScaleUm, fieldSeed(100 + d), workUnits));
  }
  s.moduleFields.clear();
  for (std::size_t m = 0; m < p.numberOfModules; ++m)
  {
    s.moduleFields.push_back(sim::MakeGaussianRandomField(slide, p.domainScaleUm, fieldSeed(1000 + m), workUnits));
  }
  s.fibreCos = sim::MakeGaussianRandomField(slide, 40, fieldSeed(2), workUnits);
  s.fibreSin = sim::MakeGaussianRandomField(slide, 40, fieldSeed(3), workUnits);
  s.stain = sim::MakeGaussianRandomField(slide, 400, fieldSeed(4), workUnits);

  // Fit the domain biases so that each domain covers about its areaFraction of the
  // tissue on this slide (argmax of Gaussian fields has no closed form for that).
  std::vector<double> target(D);
  double totalFraction = 0;
  for (const auto & d : p.domains)
  {
    totalFraction += d.areaFraction;
  }
  for (std::size_t d = 0; d < D; ++d)
  {
    target[d] = p.domains[d].areaFraction / totalFraction;
  }
  std::vector<float> samples; // D values per tissue point
  const std::size_t stride = std::max<std::size_t>(1, s.tissue.NX() / 200);
  for (std::size_t j = 0; j < s.tissue.NY(); j += stride)
  {
    for (std::size_t i = 0; i < s.tissue.NX(); i += stride)
    {
      if (s.tissue.At(i, j) > 0)
      {
        for (std::size_t d = 0; d < D; ++d)
        {
          samples.push_back(s.domainFields[d].Sample(s.tissue.X(i), s.tissue.Y(j)));
        }
      }
    }
  }
  s.domainBias.assign(D, 0.0);
  const std::size_t points = samples.size() / std::max<std::size_t>(D, 1);
  for (int iteration = 0; points > 0 && D > 1 && iteration < 60; ++iteration)
  {
    std::vector<double> share(D, 0.0);
    for (std::size_t k = 0; k < points; ++k)
    {
      std::size_t best = 0;
      for (std::size_t d = 1; d < D; ++d)
      {
        if (samples[k * D + d] + s.domainBias[d] > samples[k * D + best] + s.domainBias[best])
        {
          best = d;
        }
      }
      share[best] += 1.0 / points;
    }
    for (std::size_t d = 0; d < D; ++d)
    {
      const double step = 0.5 * (std::log(target[d]) - std::log(std::max(share[d], 0.5 / points)));
      s.domainBias[d] = std::clamp(s.domainBias[d] + step, -4.0, 4.0);
    }
  }
}

struct TileCells
{
  SimulatedCells cells;
  std::vector<float> activity;
};

void Append(SimulatedCells & to, const SimulatedCells & from)
{
  auto cat = [](auto & a, const auto & b) { a.insert(a.end(), b.begin(), b.end()); };
  cat(to.x, from.x);
  cat(to.y, from.y);
  cat(to.type, from.type);
  cat(to.domain, from.domain);
  cat(to.radius, from.radius);
  cat(to.nucleusX, from.nucleusX);
  cat(to.nucleusY, from.nucleusY);
  cat(to.nucleusMajor, from.nucleusMajor);
  cat(to.nucleusMinor, from.nucleusMinor);
  cat(to.nucleusAngle, from.nucleusAngle);
  cat(to.nucleusStain, from.nucleusStain);
}

/** Stage 3: cells of one 100 µm tile, from the tile's own random stream. */
TileCells DrawTileCells(const SimulatedTissue::Impl & s, std::size_t tx, std::size_t ty)
{
  const auto & p = s.parameters;
  const std::size_t M = p.numberOfModules;
  const double T = SimulatedTissue::Impl::CellTileUm;
  const double x0 = tx * T;
  const double y0 = ty * T;
  const double w = std::min(p.widthUm, x0 + T) - x0;
  const double h = std::min(p.heightUm, y0 + T) - y0;
  double maxDensity = 0;
  for (const auto & d : p.domains)
  {
    maxDensity = std::max(maxDensity, d.cellDensityPerMm2);
  }
  const double lambdaMax = maxDensity * 1e-6; // cells per µm²

  Engine engine(StreamSeed(p.seed, Stream::Cells, tx, ty));
  const long candidates = boost::random::poisson_distribution<long, double>(lambdaMax * w * h)(engine);
  std::vector<boost::random::discrete_distribution<int, double>> mixture;
  for (const auto & d : p.domains)
  {
    mixture.emplace_back(d.cellTypeWeights.begin(), d.cellTypeWeights.end());
  }

  TileCells out;
  auto & c = out.cells;
  for (long k = 0; k < candidates; ++k)
  {
    const double x = x0 + Uniform(engine) * w;
    const double y = y0 + Uniform(engine) * h;
    const double keep = Uniform(engine) * maxDensity;
    const int domain = s.DomainAt(x, y);
    if (domain < 0 || keep >= p.domains[domain].cellDensityPerMm2)
    {
      continue; // thinning the homogeneous Poisson process to the domain's density
    }
    const int type = mixture[domain](engine);
    const auto & tp = p.cellTypes[type];
    for (std::size_t m = 0; m < M; ++m)
    {
      out.activity.push_back(static_cast<float>(p.cellModuleSd * Normal(engine)));
    }
    const double proliferation = out.activity[out.activity.size() - M];

    const double radius = tp.cellRadiusUm * LogNormalFactor(engine, tp.cellRadiusCv);
    if (x < radius || y < radius || x > p.widthUm - radius || y > p.heightUm - radius)
    {
      out.activity.resize(out.activity.size() - M); // cut by the slide's edge
      continue;
    }
    double nucleus = tp.nucleusRadiusUm * LogNormalFactor(engine, tp.nucleusRadiusCv) *
                     std::exp(p.nucleusModuleCoupling * proliferation);
    nucleus = std::min(nucleus, 0.9 * radius);
    const double elongation = 1 + (tp.nucleusElongation - 1) * std::exp(0.25 * Normal(engine));
    const double major = std::min(nucleus * std::sqrt(elongation), radius);
    const double minor = nucleus / std::sqrt(elongation);
    const double phi = 2 * M_PI * Uniform(engine);
    const double offset = tp.nucleusOffset * radius;
    const double jitter = Uniform(engine) - 0.5;
    // Nuclei pushed to the periphery (adipocytes) flatten against the membrane; the
    // others follow the local fibre direction as much as their type aligns.
    const double angle =
      tp.nucleusOffset >= 0.5 ? phi + M_PI / 2 : s.FibreAngle(x, y) + (1 - tp.alignment) * jitter * M_PI;
    const double stain = tp.nucleusHaematoxylin * LogNormalFactor(engine, 0.12);

    c.x.push_back(static_cast<float>(x));
    c.y.push_back(static_cast<float>(y));
    c.type.push_back(static_cast<std::uint8_t>(type));
    c.domain.push_back(static_cast<std::uint8_t>(domain));
    c.radius.push_back(static_cast<float>(radius));
    c.nucleusX.push_back(static_cast<float>(x + offset * std::cos(phi)));
    c.nucleusY.push_back(static_cast<float>(y + offset * std::sin(phi)));
    c.nucleusMajor.push_back(static_cast<float>(major));
    c.nucleusMinor.push_back(static_cast<float>(minor));
    c.nucleusAngle.push_back(static_cast<float>(angle));
    c.nucleusStain.push_back(static_cast<float>(stain));
  }
  return out;
}

void DrawCells(SimulatedTissue::Impl & s, unsigned int workUnits)
{
  const std::size_t nx = s.TilesX();
  const std::size_t ny = s.TilesY();
  std::vector<TileCells> tiles(nx * ny);
  sim::ParallelFor(tiles.size(), workUnits, [&](std::size_t k) { tiles[k] = DrawTileCells(s, k % nx, k / nx); });
  s.tileBegin.assign(1, 0);
  std::size_t total = 0;
  for (const auto & t : tiles)
  {
    total += t.cells.Size();
  }
  s.cells = SimulatedCells();
  s.moduleActivity.clear();
  s.moduleActivity.reserve(total * s.parameters.numberOfModules);
  for (auto & t : tiles)
  {
    Append(s.cells, t.cells);
    s.moduleActivity.insert(s.moduleActivity.end(), t.activity.begin(), t.activity.end());
    s.tileBegin.push_back(s.cells.Size());
    t = TileCells(); // release as we go: peak stays near one copy of the cells
  }
}

/** Stage 4: pushes overlapping cells apart. Each round reads the previous positions only
 * (Jacobi), so it is independent of the visiting order and of the threads. */
void RelaxCells(SimulatedTissue::Impl & s, unsigned int workUnits)
{
  constexpr double LargeCellUm = 12;
  const auto & p = s.parameters;
  auto & c = s.cells;
  const std::size_t n = c.Size();
  if (n == 0 || p.relaxationIterations == 0 || p.minimumSpacing <= 0)
  {
    return;
  }
  BoundingBox slide;
  slide.Add(0, 0);
  slide.Add(p.widthUm, p.heightUm);
  // Two indexes, small and large cells: a query must reach r_i + r_j for every neighbour j,
  // and sizing it by the largest cell (an adipocyte) would make every lymphocyte visit
  // hundreds of neighbours.
  std::vector<std::uint32_t> small;
  std::vector<std::uint32_t> large;
  double maxSmall = 0;
  double maxLarge = 0;
  for (std::size_t i = 0; i < n; ++i)
  {
    if (c.radius[i] > LargeCellUm)
    {
      large.push_back(static_cast<std::uint32_t>(i));
      maxLarge = std::max<double>(maxLarge, c.radius[i]);
    }
    else
    {
      small.push_back(static_cast<std::uint32_t>(i));
      maxSmall = std::max<double>(maxSmall, c.radius[i]);
    }
  }
  const std::size_t block = 4096;
  std::vector<float> nextX(n);
  std::vector<float> nextY(n);
  for (unsigned int round = 0; round < p.relaxationIterations; ++round)
  {
    const sim::CellIndex smallIndex(c.x, c.y, slide, 2 * LargeCellUm, &small);
    const sim::CellIndex largeIndex(c.x, c.y, slide, 4 * LargeCellUm, &large);
    sim::ParallelFor(
      (n + block - 1) / block,
      workUnits,
      [&](std::size_t b)
      {
        for (std::size_t i = b * block; i < std::min(n, (b + 1) * block); ++i)
        {
          const double xi = c.x[i];
          const double yi = c.y[i];
          double dx = 0;
          double dy = 0;
          auto push = [&](std::uint32_t j)
          {
            if (j == i)
            {
              return;
            }
            double ex = xi - c.x[j];
            double ey = yi - c.y[j];
            const double sum = c.radius[i] + c.radius[j];
            const double minimum =
              sum - std::min((1 - p.minimumSpacing) * sum, SimulatedTissue::Impl::MaxCellOverlapUm);
            const double d2 = ex * ex + ey * ey;
            if (d2 >= minimum * minimum)
            {
              return;
            }
            double d = std::sqrt(d2);
            if (d < 1e-4)
            {
              // Coincident centres: an arbitrary but antisymmetric direction.
              const double a =
                2 * M_PI *
                (sim::Mix64(std::min<std::size_t>(i, j) * 0x9e3779b97f4a7c15ull ^ std::max<std::size_t>(i, j)) >> 11) /
                9007199254740992.0;
              ex = (i < j ? 1 : -1) * std::cos(a);
              ey = (i < j ? 1 : -1) * std::sin(a);
              d = 1;
            }
            const double shift = 0.5 * (minimum - std::sqrt(d2)) / d;
            dx += shift * ex;
            dy += shift * ey;
          };
          const double smallReach = c.radius[i] + maxSmall;
          smallIndex.ForEachIn(xi - smallReach, yi - smallReach, xi + smallReach, yi + smallReach, push);
          const double largeReach = c.radius[i] + maxLarge;
          largeIndex.ForEachIn(xi - largeReach, yi - largeReach, xi + largeReach, yi + largeReach, push);
          const double length = std::sqrt(dx * dx + dy * dy);
          const double limit = 0.5 * c.radius[i];
          if (length > limit)
          {
            dx *= limit / length;
            dy *= limit / length;
          }
          const double x = xi + dx;
          const double y = yi + dy;
          const double r = c.radius[i];
          const bool stays = x >= r && y >= r && x <= p.widthUm - r && y <= p.heightUm - r && s.TissueSignal(x, y) > 0;
          nextX[i] = stays ? static_cast<float>(x) : c.x[i];
          nextY[i] = stays ? static_cast<float>(y) : c.y[i];
        }
      });
    for (std::size_t i = 0; i < n; ++i)
    {
      c.nucleusX[i] += nextX[i] - c.x[i];
      c.nucleusY[i] += nextY[i] - c.y[i];
    }
    c.x.swap(nextX);
    c.y.swap(nextY);
  }
}

/** Stage 5: negative-binomial counts of every cell, tile by tile. */
void DrawCounts(SimulatedTissue::Impl & s, unsigned int workUnits)
{
  const auto & p = s.parameters;
  const std::size_t G = p.numberOfGenes;
  const std::size_t M = p.numberOfModules;
  const std::size_t nx = s.TilesX();
  const std::size_t tiles = s.tileBegin.size() - 1;
  const double cellCorrection = 0.5 * p.cellModuleSd * p.cellModuleSd;
  const double spatialCorrection = 0.5 * p.spatialModuleSd * p.spatialModuleSd;
  const double sizeCorrection = 0.5 * p.cellSizeSd * p.cellSizeSd;

  struct TileCounts
  {
    std::vector<std::int64_t> perCell;
    std::vector<std::int32_t> rows;
    std::vector<float> values;
  };
  std::vector<TileCounts> out(tiles);
  sim::ParallelFor(
    tiles,
    workUnits,
    [&](std::size_t k)
    {
      Engine engine(StreamSeed(p.seed, Stream::Expression, k % nx, k / nx));
      auto & t = out[k];
      std::vector<double> spatial(M);
      for (std::size_t c = s.tileBegin[k]; c < s.tileBegin[k + 1]; ++c)
      {
        const std::size_t type = s.cells.type[c];
        const double size = std::exp(p.cellSizeSd * Normal(engine) - sizeCorrection);
        for (std::size_t m = 0; m < M; ++m)
        {
          spatial[m] = std::exp(p.spatialModuleSd * s.moduleFields[m].Sample(s.cells.x[c], s.cells.y[c]) -
                                spatialCorrection + s.moduleActivity[c * M + m] - cellCorrection);
        }
        std::int64_t nonZeros = 0;
        for (std::size_t g = 0; g < G; ++g)
        {
          const int m = s.geneModule[g];
          const double mean = s.expected[type * G + g] * size * (m >= 0 ? spatial[m] : 1.0);
          const double rate = boost::random::gamma_distribution<double>(p.dispersion, mean / p.dispersion)(engine);
          const long count = rate > 0 ? boost::random::poisson_distribution<long, double>(rate)(engine) : 0;
          if (count > 0)
          {
            t.rows.push_back(static_cast<std::int32_t>(g));
            t.values.push_back(static_cast<float>(count));
            ++nonZeros;
          }
        }
        t.perCell.push_back(nonZeros);
      }
    });

  std::vector<std::int64_t> columns{ 0 };
  std::vector<std::int32_t> rows;
  std::vector<float> values;
  for (auto & t : out)
  {
    for (const auto n : t.perCell)
    {
      columns.push_back(columns.back() + n);
    }
    rows.insert(rows.end(), t.rows.begin(), t.rows.end());
    values.insert(values.end(), t.values.begin(), t.values.end());
    t = TileCounts();
  }
  s.counts = SparseCounts(G, s.cells.Size(), std::move(columns), std::move(rows), std::move(values));
}

} // namespace

void TissueSimulator::SetParameters(const SimulationParameters & parameters)
{
  parameters.Validate();
  m_Parameters = parameters;
  this->Modified();
}

std::shared_ptr<const SimulatedTissue> TissueSimulator::Simulate() const
{
  m_Parameters.Validate();
  auto & progress = ProgressReporter::Global();
  progress.Start("Simulating tissue", "seed " + std::to_string(m_Parameters.seed));

  auto s = std::make_unique<SimulatedTissue::Impl>();
  s->parameters = m_Parameters;
  const double mpp = m_Parameters.micronsPerPixel;
  CoordinateFrame::MatrixType pixelToMicrons;
  pixelToMicrons.SetIdentity();
  pixelToMicrons *= mpp;
  PointType origin;
  // Pixel (x, y) is centred at (x·s, y·s) µm: level-0 pixel (0, 0) at 0 µm, as the
  // project's slide readers place a pyramidal TIFF, which cannot store an origin.
  origin.Fill(0);
  s->frame = CoordinateFrame::FromAffine(pixelToMicrons, origin);
  s->widthPx = static_cast<std::size_t>(std::ceil(m_Parameters.widthUm / mpp - 1e-9));
  s->heightPx = static_cast<std::size_t>(std::ceil(m_Parameters.heightUm / mpp - 1e-9));

  DrawBiology(*s);
  DrawFields(*s, m_NumberOfWorkUnits);
  progress.Progress(0.2, "fields");
  DrawCells(*s, m_NumberOfWorkUnits);
  progress.Progress(0.4, "cells");
  RelaxCells(*s, m_NumberOfWorkUnits);
  progress.Progress(0.6, "relaxation");
  DrawCounts(*s, m_NumberOfWorkUnits);
  progress.Progress(0.9, "counts");

  BoundingBox slide;
  slide.Add(0, 0);
  slide.Add(m_Parameters.widthUm, m_Parameters.heightUm);
  s->index = sim::CellIndex(s->cells.x, s->cells.y, slide, 16);
  s->maxExtentUm = 0;
  for (std::size_t c = 0; c < s->cells.Size(); ++c)
  {
    s->maxExtentUm = std::max(s->maxExtentUm, s->CellExtent(c));
  }
  progress.End();

  auto tissue = std::make_shared<SimulatedTissue>(std::move(s));
  std::ostringstream message;
  message << "simulated " << tissue->GetCells().Size() << " cells and " << tissue->GetNumberOfMolecules()
          << " molecules on " << m_Parameters.widthUm << " x " << m_Parameters.heightUm << " µm (seed "
          << m_Parameters.seed << ")";
  LogDebug(message.str());
  return tissue;
}

void TissueSimulator::PrintSelf(std::ostream & os, itk::Indent indent) const
{
  Superclass::PrintSelf(os, indent);
  os << indent << "Parameters: " << m_Parameters.ToJSON().dump() << std::endl;
  os << indent << "NumberOfWorkUnits: " << m_NumberOfWorkUnits << std::endl;
}

} // namespace ss
