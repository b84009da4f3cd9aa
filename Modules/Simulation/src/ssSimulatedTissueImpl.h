#ifndef ssSimulatedTissueImpl_h
#define ssSimulatedTissueImpl_h

// Private to SuperSpotSimulation: the state of a SimulatedTissue, shared by the
// simulator (which fills it), the molecule generator and the renderer.

#include "ssSimulatedTissue.h"
#include "ssSimulationFields.h"

#include <algorithm>
#include <cmath>

namespace ss
{

struct SimulatedTissue::Impl
{
  SimulationParameters parameters;
  CoordinateFrame frame;
  std::size_t widthPx = 0;
  std::size_t heightPx = 0;

  // --- biology (profileSeed)
  std::vector<std::string> geneNames;
  std::vector<int> geneModule;  ///< -1 = housekeeping
  std::vector<double> expected; ///< [type * genes + gene], mean molecules

  // --- fields (seed)
  sim::FieldGrid tissue;                    ///< ≈ µm to the outline, > 0 inside the tissue
  std::vector<sim::FieldGrid> domainFields; ///< domain d wins where domainFields[d] + domainBias[d] is largest
  std::vector<double> domainBias;
  std::vector<sim::FieldGrid> moduleFields; ///< F_m, unit variance
  sim::FieldGrid fibreCos;                  ///< cos 2θ and sin 2θ (unnormalized) of the fibre direction θ
  sim::FieldGrid fibreSin;
  sim::FieldGrid stain; ///< stain unevenness, unit variance

  // --- cells, stored tile by tile (tile k holds cells [tileBegin[k], tileBegin[k+1]))
  SimulatedCells cells;
  std::vector<float> moduleActivity; ///< [cell * modules + module]
  std::vector<std::size_t> tileBegin;
  SparseCounts counts;    ///< genes x cells
  sim::CellIndex index;   ///< over the final cell centres
  double maxExtentUm = 0; ///< no cell paints farther than this from its centre

  static constexpr double TissueFieldSpacingUm = 4;
  static constexpr double CellTileUm = 100;
  static constexpr double MembraneWidthUm = 0.7; ///< sd of the Gaussian ring of membraneEosin
  static constexpr double CytoplasmEdgeUm = 1.5; ///< cell bodies fade out over this width (+ edgeSoftnessUm)
  static constexpr double MaxCellOverlapUm = 3;  ///< cells overlap at most this much after relaxation

  std::size_t TilesX() const { return static_cast<std::size_t>(std::ceil(parameters.widthUm / CellTileUm)); }
  std::size_t TilesY() const { return static_cast<std::size_t>(std::ceil(parameters.heightUm / CellTileUm)); }

  /** How far from its centre cell c paints (body, membrane ring, nucleus, soft edges), µm. */
  double CellExtent(std::size_t c) const
  {
    const auto & t = parameters.cellTypes[cells.type[c]];
    const double soft = parameters.edgeSoftnessUm;
    const double body =
      cells.radius[c] + std::max(0.5 * (CytoplasmEdgeUm + soft), t.membraneEosin > 0 ? 3.5 * MembraneWidthUm : 0.0);
    const double ox = cells.nucleusX[c] - cells.x[c];
    const double oy = cells.nucleusY[c] - cells.y[c];
    const double nucleus = std::sqrt(ox * ox + oy * oy) + cells.nucleusMajor[c] + soft;
    return std::max(body, nucleus);
  }

  float TissueSignal(double x, double y) const { return tissue.Sample(x, y); }

  int DomainAt(double x, double y) const
  {
    if (!(TissueSignal(x, y) > 0))
    {
      return -1;
    }
    int best = 0;
    double bestValue = -1e300;
    for (std::size_t d = 0; d < domainFields.size(); ++d)
    {
      const double v = domainFields[d].Sample(x, y) + domainBias[d];
      if (v > bestValue)
      {
        bestValue = v;
        best = static_cast<int>(d);
      }
    }
    return best;
  }

  /** Fibre direction θ in radians (defined modulo π). */
  double FibreAngle(double x, double y) const { return 0.5 * std::atan2(fibreSin.Sample(x, y), fibreCos.Sample(x, y)); }

  double PxToUm(double p) const { return p * parameters.micronsPerPixel; }
};

} // namespace ss

#endif
