#ifndef ssSimulatedTissue_h
#define ssSimulatedTissue_h

#include "SuperSpotSimulationExport.h"
#include "ssCoordinateFrame.h"
#include "ssSimulationParameters.h"
#include "ssSparseCounts.h"
#include "ssSpotData.h"
#include "ssTypes.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ss
{

/** \struct SimulatedCells
 * \brief The cells of a simulated slide, one entry per cell in every vector (struct of
 * arrays, so 290k cells take about 12 MB). Positions and lengths are µm in the slide's
 * physical frame (x right, y down, as the H&E's columns and rows). */
struct SuperSpotSimulation_EXPORT SimulatedCells
{
  std::vector<float> x;             ///< cell centre, µm
  std::vector<float> y;             ///< cell centre, µm
  std::vector<std::uint8_t> type;   ///< index into SimulationParameters::cellTypes
  std::vector<std::uint8_t> domain; ///< index into SimulationParameters::domains (where the cell was born)
  std::vector<float> radius;        ///< cell body radius, µm
  std::vector<float> nucleusX;      ///< nucleus centre, µm
  std::vector<float> nucleusY;      ///< nucleus centre, µm
  std::vector<float> nucleusMajor;  ///< nucleus semi-major axis, µm
  std::vector<float> nucleusMinor;  ///< nucleus semi-minor axis, µm
  std::vector<float> nucleusAngle;  ///< direction of the major axis, radians from +x towards +y
  std::vector<float> nucleusStain;  ///< haematoxylin in the nucleus (optical density)

  std::size_t Size() const { return x.size(); }
};

/** \class SimulatedTissue
 * \brief A simulated slide with exact ground truth: tissue outline, spatial domains,
 * cells, per-cell counts; molecules and H&E pixels are produced on demand from it.
 *
 * Made by TissueSimulator; immutable, so every const method may be called from many
 * threads at once (the slide writers render tiles in parallel).
 *
 * Pixels: the H&E's full-resolution pixel (x, y) (x = column, y = row, centres at
 * integers) is centred at (x·s, y·s) µm, s = micronsPerPixel: level-0 pixel (0, 0) at
 * 0 µm, where the project's slide readers place a pyramidal TIFF (which stores no
 * origin), so a slide written and read back needs no offset. GetFrame() is that mapping;
 * the image has ceil(width / s) x ceil(height / s) pixels.
 */
class SuperSpotSimulation_EXPORT SimulatedTissue : public std::enable_shared_from_this<SimulatedTissue>
{
public:
  /** The state, private to this module: TissueSimulator makes it. */
  struct Impl;
  explicit SimulatedTissue(std::unique_ptr<Impl> impl);
  ~SimulatedTissue();
  SimulatedTissue(const SimulatedTissue &) = delete;
  SimulatedTissue & operator=(const SimulatedTissue &) = delete;

  const SimulationParameters & GetParameters() const;
  /** Full-resolution H&E px <-> µm. */
  const CoordinateFrame & GetFrame() const;
  /** Full-resolution H&E size in px (ceil(width / s) x ceil(height / s)). */
  SizeType GetImageSize() const;
  /** The slide, [0, width] x [0, height] µm. */
  BoundingBox GetBoundsUm() const;

  const std::vector<std::string> & GetGeneNames() const;
  std::vector<std::string> GetCellTypeNames() const;
  std::vector<std::string> GetDomainNames() const;
  /** Module of each gene (0 .. numberOfModules-1), -1 for housekeeping genes. */
  const std::vector<int> & GetGeneModules() const;
  /** Mean molecules per gene of a cell of `type` before cell-to-cell and spatial variation
   * (E_t in SimulationParameters); sums to meanMoleculesPerCell × relativeRNA. */
  std::vector<double> GetExpectedCounts(unsigned int type) const;

  const SimulatedCells & GetCells() const;
  /** Ground truth: molecules per gene (rows) and cell (columns). */
  const SparseCounts & GetCellCounts() const;
  /** Per-cell log activity deviation δ of each module: [cell * numberOfModules + module]. */
  const std::vector<float> & GetCellModuleActivity() const;
  std::size_t GetNumberOfMolecules() const;
  /** Cells whose centre lies in `box` (µm), in increasing index order. */
  std::vector<std::uint32_t> CellsInBox(const BoundingBox & box) const;

  /** Every molecule, µm, platform "simulated", genes = GetGeneNames(). Molecules of a cell
   * lie within its radius around its centre (Gaussian, sd moleculeSpread × radius, truncated),
   * hence on the slide: cells keep at least their radius from its edge.
   * `moleculeCell` (optional) receives the cell of each molecule. Deterministic for any
   * `workUnits` (0: ITK's default). */
  MoleculeTable MakeMolecules(std::vector<std::int32_t> * moleculeCell = nullptr, unsigned int workUnits = 0) const;

  /** Whether the point (µm) is tissue (not background or a hole). */
  bool IsInTissue(double x, double y) const;
  /** Domain at the point (µm), or -1 outside the tissue. */
  int DomainAt(double x, double y) const;

  /** Domain map for tests and figures: 0 = background, d + 1 = domain d; pixels of
   * `spacingUm` on the lattice of GridGeometry::Covering(GetBoundsUm(), spacingUm). */
  MaskImageType::Pointer MakeDomainLabelImage(double spacingUm) const;
  /** Cell-type map: t + 1 where the body of a cell of type t covers the pixel centre (the
   * cell whose centre is nearest relative to its radius), 0 elsewhere. */
  MaskImageType::Pointer MakeCellTypeLabelImage(double spacingUm) const;

  /** Renders H&E pixels [x0, x0+width) x [y0, y0+height) of the full-resolution image as
   * row-major RGB bytes (width*height*3) into `rgb`. Any pixel comes out the same whatever
   * rectangle it is rendered in and whatever `workUnits` (tiles never seam); pixels off the
   * slide are background. workUnits: threads over bands of 64 rows (0: ITK's default);
   * keep 1 when calling from threads of an ITK pool (ITK pools do not nest). */
  void RenderRegion(std::int64_t x0,
                    std::int64_t y0,
                    std::uint32_t width,
                    std::uint32_t height,
                    std::uint8_t * rgb,
                    unsigned int workUnits = 1) const;
  /** RenderRegion as the callback the pyramidal slide writers take, with `workUnits`
   * threads (0: ITK's default) for each call; it keeps this tissue alive. */
  RGBRegionRenderer GetRenderer(unsigned int workUnits = 0) const;
  /** The whole slide (or `region`, in full-resolution px) as an image with spacing
   * micronsPerPixel, origin and direction from GetFrame(); refuses more than
   * MaxRenderImagePixels (8192², 192 MiB of RGB): use GetRenderer() with a tiled writer for
   * larger slides (a 6.5 mm slide is 13000² px). */
  static constexpr std::uint64_t MaxRenderImagePixels = 8192ull * 8192ull;
  RGBImageType::Pointer RenderImage(unsigned int workUnits = 0) const;
  RGBImageType::Pointer RenderImage(const RegionType & region, unsigned int workUnits = 0) const;

  /** Bytes held by this object (cells, counts, fields, index), for memory reports. */
  std::size_t GetMemoryBytes() const;

private:
  std::unique_ptr<Impl> m_Impl;
};

} // namespace ss

#endif
