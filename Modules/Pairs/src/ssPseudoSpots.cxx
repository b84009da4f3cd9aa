#include "ssPseudoSpots.h"

#include "ssError.h"
#include "ssPairsInternal.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <utility>

namespace ss
{

namespace
{
/** Largest even number <= v. */
long FloorEven(long v)
{
  return v >= 0 ? v - v % 2 : v - ((-v) % 2 == 1 ? 1 : 0);
}

/** Lattice geometry: array (col, row) <-> µm. */
struct Lattice
{
  bool hexagonal;
  double stepX; // µm per array column
  double stepY; // µm per array row
  double anchorX;
  double anchorY;

  bool Exists(long col, long row) const { return !hexagonal || ((col + row) % 2 + 2) % 2 == 0; }
  PointType Centre(long col, long row) const
  {
    PointType p;
    p[0] = anchorX + static_cast<double>(col) * stepX;
    p[1] = anchorY + static_cast<double>(row) * stepY;
    return p;
  }
  /** The lattice site nearest to (x, y); ties go to the lower row, then the lower column. */
  std::pair<long, long> Nearest(double x, double y) const
  {
    const long r0 = std::lround((y - anchorY) / stepY);
    const double u = (x - anchorX) / stepX;
    std::pair<long, long> best{ 0, 0 };
    double bestDistance = -1;
    for (long row = r0 - 1; row <= r0 + 1; ++row)
    {
      long col = std::lround(u);
      if (hexagonal && !Exists(col, row))
      {
        // The two sites of this row around u are col - 1 and col + 1; take the nearer.
        col = (u < static_cast<double>(col)) ? col - 1 : col + 1;
      }
      const PointType c = Centre(col, row);
      const double d = (c[0] - x) * (c[0] - x) + (c[1] - y) * (c[1] - y);
      if (bestDistance < 0 || d < bestDistance)
      {
        best = { col, row };
        bestDistance = d;
      }
    }
    return best;
  }
};
} // namespace

PseudoSpotParameters PseudoSpotParameters::Visium()
{
  return PseudoSpotParameters{};
}

PseudoSpotParameters PseudoSpotParameters::LegacyST()
{
  PseudoSpotParameters p;
  p.lattice = SpotLattice::Square;
  p.spotDiameterUm = 100.0;
  p.pitchUm = 200.0;
  return p;
}

SpotDataset MakePseudoSpots(const MoleculeTable & molecules, const PseudoSpotParameters & parameters, const CoordinateFrame * frame)
{
  if (parameters.lattice == SpotLattice::Irregular)
  {
    throw std::invalid_argument("MakePseudoSpots: the lattice must be hexagonal or square");
  }
  if (!(parameters.spotDiameterUm > 0) || !(parameters.pitchUm >= parameters.spotDiameterUm) ||
      !std::isfinite(parameters.pitchUm))
  {
    throw std::invalid_argument("MakePseudoSpots: need 0 < spot diameter <= pitch (got " +
                                std::to_string(parameters.spotDiameterUm) + " and " + std::to_string(parameters.pitchUm) +
                                " µm)");
  }
  internal::ValidateMolecules(molecules);
  const bool hexagonal = parameters.lattice == SpotLattice::Hexagonal;
  const Lattice lattice{ hexagonal,
                         hexagonal ? parameters.pitchUm / 2 : parameters.pitchUm,
                         hexagonal ? parameters.pitchUm * std::sqrt(3.0) / 2 : parameters.pitchUm,
                         parameters.anchorXUm,
                         parameters.anchorYUm };
  const double radius = parameters.spotDiameterUm / 2;
  const double radius2 = radius * radius;

  // Each molecule goes to its nearest site (so to at most one disc); key = (site, gene).
  std::map<std::pair<long, long>, std::size_t> siteSlot; // (row, col) -> slot, ordered by row then col
  std::vector<std::pair<std::size_t, std::int32_t>> hits; // (slot, gene) per molecule inside a disc
  BoundingBox box;
  for (std::size_t i = 0; i < molecules.Size(); ++i)
  {
    const double x = molecules.x[i];
    const double y = molecules.y[i];
    if (!std::isfinite(x) || !std::isfinite(y))
    {
      continue;
    }
    box.Add(x, y);
    const auto site = lattice.Nearest(x, y);
    const PointType c = lattice.Centre(site.first, site.second);
    if ((c[0] - x) * (c[0] - x) + (c[1] - y) * (c[1] - y) > radius2)
    {
      continue;
    }
    const auto inserted = siteSlot.emplace(std::make_pair(site.second, site.first), siteSlot.size());
    hits.emplace_back(inserted.first->second, molecules.gene[i]);
  }
  if (parameters.keepSpotsOutsideTissue && !box.IsEmpty())
  {
    // Every site whose disc reaches into the bounding box.
    const long r0 = static_cast<long>(std::floor((box.minY - radius - lattice.anchorY) / lattice.stepY));
    const long r1 = static_cast<long>(std::ceil((box.maxY + radius - lattice.anchorY) / lattice.stepY));
    const long c0 = static_cast<long>(std::floor((box.minX - radius - lattice.anchorX) / lattice.stepX));
    const long c1 = static_cast<long>(std::ceil((box.maxX + radius - lattice.anchorX) / lattice.stepX));
    for (long row = r0; row <= r1; ++row)
    {
      for (long col = c0; col <= c1; ++col)
      {
        const PointType c = lattice.Centre(col, row);
        const double dx = std::max({ box.minX - c[0], 0.0, c[0] - box.maxX });
        const double dy = std::max({ box.minY - c[1], 0.0, c[1] - box.maxY });
        if (lattice.Exists(col, row) && dx * dx + dy * dy <= radius2)
        {
          siteSlot.emplace(std::make_pair(row, col), siteSlot.size());
        }
      }
    }
  }

  // Per-slot counts, sparse: sort the hits by (slot, gene) and count runs.
  std::sort(hits.begin(), hits.end());
  std::vector<std::vector<std::pair<std::int32_t, float>>> entries(siteSlot.size());
  std::vector<std::size_t> totals(siteSlot.size(), 0);
  for (std::size_t k = 0; k < hits.size();)
  {
    std::size_t end = k;
    while (end < hits.size() && hits[end] == hits[k])
    {
      ++end;
    }
    entries[hits[k].first].emplace_back(hits[k].second, static_cast<float>(end - k));
    totals[hits[k].first] += end - k;
    k = end;
  }

  // Array indices shifted by even amounts so they start at 0 or 1.
  long minRow = 0, minCol = 0;
  bool first = true;
  for (const auto & s : siteSlot)
  {
    minRow = first ? s.first.first : std::min(minRow, s.first.first);
    minCol = first ? s.first.second : std::min(minCol, s.first.second);
    first = false;
  }
  minRow = FloorEven(minRow);
  minCol = FloorEven(minCol);

  SpotDataset d;
  d.source = molecules.source;
  d.platform = hexagonal ? "pseudo-visium" : "pseudo-st";
  d.genes = molecules.genes;
  d.spotDiameterUm = parameters.spotDiameterUm;
  d.pitchUm = parameters.pitchUm;
  d.lattice = parameters.lattice;
  d.frame = frame ? CoordinateFrame::FromAffine(frame->GetPixelToMicrons(), frame->GetOrigin())
                  : CoordinateFrame::FromMicronsPerPixel(1.0);
  if (frame)
  {
    d.frame.SetHiresScale(frame->GetHiresScale());
    d.frame.SetLowresScale(frame->GetLowresScale());
  }
  d.counts.Reset(molecules.genes.size());
  d.spots.Reserve(siteSlot.size());
  std::vector<double> cols, rows;
  for (const auto & s : siteSlot) // ordered by (row, col)
  {
    const std::size_t slot = s.second;
    const bool inTissue = totals[slot] >= parameters.minMolecules && totals[slot] > 0;
    if (!inTissue && !parameters.keepSpotsOutsideTissue)
    {
      continue;
    }
    const long row = s.first.first, col = s.first.second;
    const int arrayCol = static_cast<int>(col - minCol);
    const int arrayRow = static_cast<int>(row - minRow);
    const PointType um = lattice.Centre(col, row);
    d.spots.id.push_back(std::to_string(arrayCol) + "x" + std::to_string(arrayRow));
    d.spots.positionUm.push_back(um);
    d.spots.positionPx.push_back(d.frame.MicronsToFullResPx(um));
    d.spots.arrayCol.push_back(arrayCol);
    d.spots.arrayRow.push_back(arrayRow);
    d.spots.inTissue.push_back(inTissue ? 1 : 0);
    d.counts.AppendSpot(std::move(entries[slot]));
    cols.push_back(arrayCol);
    rows.push_back(arrayRow);
  }
  if (d.NumberOfSpots() < 3)
  {
    d.notes.push_back("fewer than 3 pseudo-spots: no array-grid fit");
  }
  else
  {
    try
    {
      d.frame.FitArrayGrid(cols, rows, d.spots.positionPx);
    }
    catch (const std::invalid_argument &)
    {
      d.notes.push_back("the pseudo-spots are collinear: no array-grid fit");
    }
  }
  return d;
}

} // namespace ss
