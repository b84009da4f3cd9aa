#include "ssPairSet.h"

#include "ssArrayGrid.h"
#include "ssError.h"
#include "ssFiles.h"
#include "ssHistologyTileExtractionFilter.h"
#include "ssMoleculeBinningImageFilter.h"
#include "ssSpotGridCoarsening.h"
#include "ssSpotInterpolation.h"
#include "ssSpotRasterizationImageFilter.h"

#include "itkImageFileReader.h"
#include "itkImageFileWriter.h"
#include "itkImageRegionIteratorWithIndex.h"
#include "itkNrrdImageIO.h"

#include <cmath>
#include <filesystem>
#include <stdexcept>

namespace ss
{

namespace
{
const char * const ManifestName = "pairs.json";
const char * const FormatName = "superspot-pairs";
constexpr int FormatVersion = 1;

template<typename TImage>
void WriteNrrd(const TImage * image, const std::string & path)
{
  WriteAtomically(path,
                  [image](const std::string & temporary)
                  {
                    auto writer = itk::ImageFileWriter<TImage>::New();
                    writer->SetImageIO(itk::NrrdImageIO::New());
                    writer->SetFileName(temporary);
                    writer->SetInput(image);
                    writer->SetUseCompression(true);
                    writer->Update();
                  });
}

/** Reads a map written by Save, checking its pixel type so ITK cannot silently convert. */
template<typename TImage>
typename TImage::Pointer ReadNrrd(const std::string & path,
                                  const std::string & field,
                                  itk::IOComponentEnum component,
                                  unsigned int components)
{
  RequireFile(path, field + " map", "re-create the pair set (its folder is incomplete)");
  auto io = itk::NrrdImageIO::New();
  auto reader = itk::ImageFileReader<TImage>::New();
  reader->SetImageIO(io);
  reader->SetFileName(path);
  try
  {
    reader->Update();
  }
  catch (const itk::ExceptionObject & e)
  {
    SS_INPUT_ERROR(path, field, std::string("unreadable NRRD: ") + e.GetDescription(), "re-create the pair set");
  }
  if (io->GetComponentType() != component || io->GetNumberOfComponents() != components)
  {
    SS_INPUT_ERROR(path,
                   field,
                   "has " + std::to_string(io->GetNumberOfComponents()) + " components of type " +
                     itk::ImageIOBase::GetComponentTypeAsString(io->GetComponentType()) + ", expected " +
                     std::to_string(components) + " of type " + itk::ImageIOBase::GetComponentTypeAsString(component),
                   "re-create the pair set; the manifest and the maps disagree");
  }
  typename TImage::Pointer image = reader->GetOutput();
  image->DisconnectPipeline();
  return image;
}

nlohmann::json GridToJSON(const GridGeometry & g)
{
  return { { "origin", { g.origin[0], g.origin[1] } },
           { "spacing", { g.spacing[0], g.spacing[1] } },
           { "direction", { { g.direction(0, 0), g.direction(0, 1) }, { g.direction(1, 0), g.direction(1, 1) } } },
           { "start", { g.start[0], g.start[1] } },
           { "size", { g.size[0], g.size[1] } } };
}

GridGeometry GridFromJSON(const nlohmann::json & j, const std::string & file, const std::string & field)
{
  try
  {
    GridGeometry g;
    for (unsigned i = 0; i < 2; ++i)
    {
      g.origin[i] = j.at("origin").at(i).get<double>();
      g.spacing[i] = j.at("spacing").at(i).get<double>();
      g.start[i] = j.at("start").at(i).get<itk::IndexValueType>();
      g.size[i] = j.at("size").at(i).get<itk::SizeValueType>();
      for (unsigned c = 0; c < 2; ++c)
      {
        g.direction(i, c) = j.at("direction").at(i).at(c).get<double>();
      }
    }
    return g;
  }
  catch (const nlohmann::json::exception & e)
  {
    SS_INPUT_ERROR(file, field, std::string("malformed grid: ") + e.what(), "re-create the pair set");
  }
}

/** Checks `image` lies on `grid` (NRRD keeps geometry to ~1e-6) and then gives it exactly
 * the manifest's numbers, so a loaded set equals the saved one. */
void RequireGrid(itk::ImageBase<2> * image,
                 const GridGeometry & grid,
                 const std::string & file,
                 const std::string & field)
{
  const GridGeometry actual = GridGeometry::FromImage(image);
  const double tolerance = 1e-6 * std::max({ 1.0, std::abs(grid.origin[0]), std::abs(grid.origin[1]) });
  if (!actual.SameAs(grid, tolerance))
  {
    SS_INPUT_ERROR(file,
                   field,
                   "its geometry differs from the manifest's grid",
                   "re-create the pair set; the manifest and the maps disagree");
  }
  image->SetOrigin(grid.origin);
  image->SetSpacing(grid.spacing);
  image->SetDirection(grid.direction);
}

void RequireSameGrid(const itk::ImageBase<2> * image, const GridGeometry & grid, const char * what)
{
  if (!image)
  {
    throw std::invalid_argument(std::string("PairSet: a slide has no ") + what + " map");
  }
  if (!GridGeometry::FromImage(image).SameAs(grid, 1e-9))
  {
    throw std::invalid_argument(std::string("PairSet: the ") + what + " map is not on the slide's HR grid");
  }
}

/** Cell and tissue images from `he` on the grids derived from `grid`. */
void ExtractHistology(const RGBImageType * he,
                      const GridGeometry & grid,
                      unsigned int q,
                      unsigned int t,
                      SlidePair & pair)
{
  if (!he)
  {
    return;
  }
  auto tiles = HistologyTileExtractionFilter::New();
  tiles->SetInput(he);
  tiles->SetHRGrid(grid);
  tiles->SetCellPixelsPerBin(q);
  tiles->SetTissueBinsPerPixel(t);
  // The cell output's largest region maps onto the whole tissue grid, so both come out whole.
  tiles->UpdateLargestPossibleRegion();
  pair.cell = tiles->GetCellOutput();
  pair.tissue = tiles->GetTissueOutput();
  pair.cell->DisconnectPipeline();
  pair.tissue->DisconnectPipeline();
}

std::string MapFileName(std::size_t slide, const char * map)
{
  return "slide" + std::to_string(slide) + "_" + map + ".nrrd";
}
} // namespace

void PairSet::Save(const std::string & folder, bool overwrite) const
{
  for (const auto & s : slides)
  {
    RequireSameGrid(s.hr, s.grid, "hr");
    RequireSameGrid(s.hrMask, s.grid, "hrMask");
    RequireSameGrid(s.lr, s.grid, "lr");
    RequireSameGrid(s.lrMask, s.grid, "lrMask");
    RequireSameGrid(s.base, s.grid, "base");
    for (const ExpressionImageType * map : { s.hr.GetPointer(), s.lr.GetPointer(), s.base.GetPointer() })
    {
      if (map->GetNumberOfComponentsPerPixel() != genes.size())
      {
        throw std::invalid_argument("PairSet: slide " + s.name + " has maps of " +
                                    std::to_string(map->GetNumberOfComponentsPerPixel()) + " components for " +
                                    std::to_string(genes.size()) + " genes");
      }
    }
    if (static_cast<bool>(s.cell) != static_cast<bool>(s.tissue))
    {
      throw std::invalid_argument("PairSet: slide " + s.name + " has only one of the cell and tissue images");
    }
  }
  PrepareOutputDirectory(folder, overwrite);
  // An old manifest goes first: until the new one is written the folder reads as unfinished,
  // never as the old set with some maps already replaced.
  std::error_code ignored;
  std::filesystem::remove(JoinPath(folder, ManifestName), ignored);
  nlohmann::json manifest;
  manifest["format"] = FormatName;
  manifest["version"] = FormatVersion;
  manifest["genes"] = genes;
  manifest["normalization"] = normalization.ToJSON();
  manifest["slides"] = nlohmann::json::array();
  for (std::size_t i = 0; i < slides.size(); ++i)
  {
    const SlidePair & s = slides[i];
    nlohmann::json maps;
    auto write = [&](const char * key, const auto * image)
    {
      const std::string file = MapFileName(i, key);
      WriteNrrd(image, JoinPath(folder, file));
      maps[key] = file;
    };
    write("hr", s.hr.GetPointer());
    write("hrMask", s.hrMask.GetPointer());
    write("lr", s.lr.GetPointer());
    write("lrMask", s.lrMask.GetPointer());
    write("base", s.base.GetPointer());
    if (s.cell)
    {
      write("cell", s.cell.GetPointer());
      write("tissue", s.tissue.GetPointer());
    }
    manifest["slides"].push_back({ { "name", s.name },
                                   { "grid", GridToJSON(s.grid) },
                                   { "resolution_um", s.resolutionUm },
                                   { "factor", s.factor },
                                   { "cell_pixels_per_bin", s.cellPixelsPerBin },
                                   { "tissue_bins_per_pixel", s.tissueBinsPerPixel },
                                   { "maps", maps } });
  }
  WriteJSONFileAtomically(JoinPath(folder, ManifestName), manifest);
}

PairSet PairSet::Load(const std::string & folder)
{
  const std::string manifestPath = JoinPath(folder, ManifestName);
  RequireFile(manifestPath,
              "pair set manifest",
              "point at a folder written by PairSet::Save (an unfinished save has no manifest)");
  const nlohmann::json manifest = ReadJSONFile(manifestPath, "pair set manifest");
  if (manifest.value("format", std::string()) != FormatName)
  {
    SS_INPUT_ERROR(manifestPath,
                   "format",
                   "is not \"" + std::string(FormatName) + "\"",
                   "point at a folder written by PairSet::Save");
  }
  if (manifest.value("version", 0) != FormatVersion)
  {
    SS_INPUT_ERROR(manifestPath,
                   "version",
                   "unsupported version " + manifest.value("version", nlohmann::json()).dump(),
                   "re-create the pair set with this SuperSpot");
  }
  PairSet set;
  try
  {
    set.genes = manifest.at("genes").get<std::vector<std::string>>();
  }
  catch (const nlohmann::json::exception & e)
  {
    SS_INPUT_ERROR(manifestPath, "genes", e.what(), "re-create the pair set");
  }
  if (set.genes.empty())
  {
    SS_INPUT_ERROR(manifestPath, "genes", "empty", "re-create the pair set");
  }
  set.normalization =
    ExpressionNormalization::FromJSON(manifest.value("normalization", nlohmann::json()), manifestPath);
  if (!manifest.contains("slides") || !manifest["slides"].is_array())
  {
    SS_INPUT_ERROR(manifestPath, "slides", "missing or not a list", "re-create the pair set");
  }
  const auto genes = static_cast<unsigned int>(set.genes.size());
  for (std::size_t i = 0; i < manifest["slides"].size(); ++i)
  {
    const nlohmann::json & j = manifest["slides"][i];
    const std::string where = "slides[" + std::to_string(i) + "]";
    SlidePair s;
    try
    {
      s.name = j.at("name").get<std::string>();
      s.resolutionUm = j.at("resolution_um").get<double>();
      s.factor = j.at("factor").get<double>();
      s.cellPixelsPerBin = j.at("cell_pixels_per_bin").get<unsigned int>();
      s.tissueBinsPerPixel = j.at("tissue_bins_per_pixel").get<unsigned int>();
      j.at("maps").at("hr");
    }
    catch (const nlohmann::json::exception & e)
    {
      SS_INPUT_ERROR(manifestPath, where, e.what(), "re-create the pair set");
    }
    if (s.cellPixelsPerBin < 1 || s.tissueBinsPerPixel < 1)
    {
      SS_INPUT_ERROR(manifestPath,
                     where,
                     "cell_pixels_per_bin and tissue_bins_per_pixel must be at least 1",
                     "re-create the pair set");
    }
    s.grid = GridFromJSON(j.at("grid"), manifestPath, where + ".grid");
    const nlohmann::json & maps = j.at("maps");
    auto file = [&](const char * key)
    {
      if (!maps.contains(key) || !maps[key].is_string())
      {
        SS_INPUT_ERROR(manifestPath, where + ".maps." + key, "missing", "re-create the pair set");
      }
      return JoinPath(folder, maps[key].get<std::string>());
    };
    const auto f32 = itk::IOComponentEnum::FLOAT;
    const auto u8 = itk::IOComponentEnum::UCHAR;
    s.hr = ReadNrrd<ExpressionImageType>(file("hr"), "hr", f32, genes);
    s.hrMask = ReadNrrd<MaskImageType>(file("hrMask"), "hrMask", u8, 1);
    s.lr = ReadNrrd<ExpressionImageType>(file("lr"), "lr", f32, genes);
    s.lrMask = ReadNrrd<MaskImageType>(file("lrMask"), "lrMask", u8, 1);
    s.base = ReadNrrd<ExpressionImageType>(file("base"), "base", f32, genes);
    RequireGrid(s.hr, s.grid, file("hr"), "hr");
    RequireGrid(s.hrMask, s.grid, file("hrMask"), "hrMask");
    RequireGrid(s.lr, s.grid, file("lr"), "lr");
    RequireGrid(s.lrMask, s.grid, file("lrMask"), "lrMask");
    RequireGrid(s.base, s.grid, file("base"), "base");
    if (maps.contains("cell") || maps.contains("tissue"))
    {
      s.cell = ReadNrrd<RGBImageType>(file("cell"), "cell", u8, 3);
      s.tissue = ReadNrrd<RGBImageType>(file("tissue"), "tissue", u8, 3);
      RequireGrid(s.cell, HistologyTileExtractionFilter::CellGrid(s.grid, s.cellPixelsPerBin), file("cell"), "cell");
      RequireGrid(
        s.tissue, HistologyTileExtractionFilter::TissueGrid(s.grid, s.tissueBinsPerPixel), file("tissue"), "tissue");
    }
    set.slides.push_back(std::move(s));
  }
  return set;
}

SlidePair MakeMoleculeSlidePair(const std::string & name,
                                const MoleculeTable & molecules,
                                const std::vector<std::size_t> & genes,
                                const RGBImageType * he,
                                const MoleculePairParameters & parameters)
{
  if (genes.empty())
  {
    throw std::invalid_argument("MakeMoleculeSlidePair: no genes");
  }
  const auto G = static_cast<unsigned int>(genes.size());
  const auto density = ExpressionNormalization::Density(parameters.referenceAreaUm2);
  SlidePair pair;
  pair.name = name;
  pair.resolutionUm = parameters.resolutionUm;
  pair.factor = parameters.spots.pitchUm / parameters.resolutionUm;
  pair.cellPixelsPerBin = parameters.cellPixelsPerBin;
  pair.tissueBinsPerPixel = parameters.tissueBinsPerPixel;

  // HR truth: molecules per bin.
  auto binning = MoleculeBinningImageFilter::New();
  binning->SetMolecules(&molecules);
  binning->SetGenes(genes);
  binning->SetBinSizeUm(parameters.resolutionUm);
  binning->SetMaskClosingRadius(parameters.maskClosingRadius);
  binning->Update();
  pair.grid = binning->GetOutputGrid();
  pair.hr = NormalizeBinCounts(binning->GetOutput(), density);
  pair.hrMask = binning->GetMaskOutput();
  pair.hrMask->DisconnectPipeline();

  ExtractHistology(he, pair.grid, parameters.cellPixelsPerBin, parameters.tissueBinsPerPixel, pair);

  // LR input: pseudo-spots, in the H&E's pixel frame when there is one.
  CoordinateFrame heFrame;
  if (he)
  {
    heFrame = CoordinateFrame::FromImage(he);
  }
  const SpotDataset spots = MakePseudoSpots(molecules, parameters.spots, he ? &heFrame : nullptr);
  if (spots.NumberOfSpots() == 0)
  {
    SS_INPUT_ERROR(molecules.source,
                   "molecules",
                   "no pseudo-spot holds a molecule",
                   "check the molecule coordinates (µm) and the spot parameters");
  }
  const std::vector<float> values = NormalizeSpots(spots, genes, density);
  auto raster = SpotRasterizationImageFilter::New();
  raster->SetSpotValues(spots.spots.positionUm, values, G);
  raster->SetMode(SpotRasterizationImageFilter::ModeType::Nearest);
  raster->SetPitchUm(spots.pitchUm);
  raster->SetOutputGrid(pair.grid);
  raster->Update();
  pair.lr = raster->GetOutput();
  pair.lrMask = raster->GetMaskOutput();
  pair.lr->DisconnectPipeline();
  pair.lrMask->DisconnectPipeline();

  const SpotInterpolator bilinear(spots, values, G, InterpolationMethod::Bilinear);
  MaskImageType::Pointer baseMask;
  bilinear.EvaluateOnGrid(pair.grid, pair.base, baseMask);
  return pair;
}

namespace
{

/** lr, base and lrMask of `pair` (its grid set) from LR "blocks" on their lattice: HR pixel
 * (i, j) is HR array position (col0 + i, row0 + j); its place in the block lattice is
 * BlockLatticeCoordinates(col, row, k): lr = the nearest block's value (on a hexagonal array only
 * at the array's lattice positions, col + row even), base = bilinear between blocks. The one
 * geometry both the training pairs (HR = spots, LR = k x k blocks) and the prediction inputs
 * (HR = a k-times finer virtual array, LR = the spots) are made with, so they match. */
void FillBlockLRMaps(SlidePair & pair,
                     unsigned int G,
                     int k,
                     SpotLattice lattice,
                     int col0,
                     int row0,
                     const SpotInterpolator & nearest,
                     const SpotInterpolator & bilinear)
{
  auto newMap = [&](ExpressionImageType::Pointer & image)
  {
    image = ExpressionImageType::New();
    pair.grid.ApplyTo(image);
    image->SetNumberOfComponentsPerPixel(G);
    image->Allocate();
  };
  newMap(pair.lr);
  newMap(pair.base);
  pair.lrMask = MaskImageType::New();
  pair.grid.ApplyTo(pair.lrMask);
  pair.lrMask->Allocate();
  std::vector<float> lrValue(G), baseValue(G);
  ExpressionImageType::PixelType pixel(G);
  for (itk::ImageRegionIteratorWithIndex<ExpressionImageType> it(pair.lr, pair.grid.GetRegion()); !it.IsAtEnd(); ++it)
  {
    const IndexType idx = it.GetIndex();
    const int col = col0 + static_cast<int>(idx[0] - pair.grid.start[0]);
    const int row = row0 + static_cast<int>(idx[1] - pair.grid.start[1]);
    const PointType b = BlockLatticeCoordinates(col, row, k, lattice);
    bool covered = false;
    std::fill(lrValue.begin(), lrValue.end(), 0.0f);
    // On a hexagonal array only the lattice positions (col + row even) are spots.
    if (lattice != SpotLattice::Hexagonal || (col + row) % 2 == 0)
    {
      covered = nearest.EvaluateAtArray(b[0], b[1], lrValue.data());
    }
    bilinear.EvaluateAtArray(b[0], b[1], baseValue.data());
    for (unsigned int g = 0; g < G; ++g)
    {
      pixel[g] = lrValue[g];
    }
    it.Set(pixel);
    for (unsigned int g = 0; g < G; ++g)
    {
      pixel[g] = baseValue[g];
    }
    pair.base->SetPixel(idx, pixel);
    pair.lrMask->SetPixel(idx, covered ? 1 : 0);
  }
}

/** MakeSpotSlidePair (prediction = false) and MakeSpotPredictionPair (true): one construction, so
 * the prediction inputs are made exactly as the training pairs' LR input, one scale down. */
SlidePair MakeSpotPair(const std::string & name,
                       const SpotDataset & spots,
                       const std::vector<std::size_t> & genes,
                       const RGBImageType * he,
                       const SpotPairParameters & parameters,
                       bool prediction)
{
  if (genes.empty())
  {
    throw std::invalid_argument(prediction ? "MakeSpotPredictionPair: no genes" : "MakeSpotSlidePair: no genes");
  }
  const auto G = static_cast<unsigned int>(genes.size());
  const int k = parameters.factor;
  const auto library = ExpressionNormalization::Library(parameters.libraryTarget);
  const ArrayGrid arrayGrid = MakeArrayGrid(spots);

  SlidePair pair;
  pair.name = name;
  // Training: the spots' own array grid. Prediction: the virtual array k times finer, virtual
  // position (c, r) = (k col0 + i, k row0 + j) at real array position ((c − (k−1)/2)/k,
  // (r − (k−1)/2)/k), which is what Refined(k) places.
  pair.grid = prediction ? arrayGrid.grid.Refined(k) : arrayGrid.grid;
  pair.resolutionUm = pair.grid.spacing[0];
  pair.factor = k;
  pair.cellPixelsPerBin = parameters.cellPixelsPerBin;
  pair.tissueBinsPerPixel = parameters.tissueBinsPerPixel;

  if (!prediction)
  {
    // HR truth: the measured spots on their own array grid.
    PlaceSpotsOnArrayGrid(spots, NormalizeSpots(spots, genes, library), G, arrayGrid, pair.hr, pair.hrMask);
  }
  // LR: training, k x k blocks normalized by their summed library sizes (over all genes);
  // prediction, the spots themselves, as CoarsenSpotGrid(·, 1) puts them on the block lattice.
  // At each HR position's place in the block lattice: protocol 1's `nearest` (own block) and
  // `bilinear` (between block centres, over existing blocks).
  const SpotGridCoarsening blocks = CoarsenSpotGrid(spots, prediction ? 1 : k);
  const std::vector<float> values = NormalizeSpots(blocks.blocks, genes, library, &blocks.librarySize);
  const SpotInterpolator nearest(blocks.blocks, values, G, InterpolationMethod::Nearest);
  const SpotInterpolator bilinear(blocks.blocks, values, G, InterpolationMethod::Bilinear);
  const int scale = prediction ? k : 1;
  FillBlockLRMaps(pair, G, k, spots.lattice, scale * arrayGrid.col0, scale * arrayGrid.row0, nearest, bilinear);

  ExtractHistology(he, pair.grid, parameters.cellPixelsPerBin, parameters.tissueBinsPerPixel, pair);
  return pair;
}

} // namespace

SlidePair MakeSpotSlidePair(const std::string & name,
                            const SpotDataset & spots,
                            const std::vector<std::size_t> & genes,
                            const RGBImageType * he,
                            const SpotPairParameters & parameters)
{
  return MakeSpotPair(name, spots, genes, he, parameters, false);
}

SlidePair MakeSpotPredictionPair(const std::string & name,
                                 const SpotDataset & spots,
                                 const std::vector<std::size_t> & genes,
                                 const RGBImageType * he,
                                 const SpotPairParameters & parameters)
{
  return MakeSpotPair(name, spots, genes, he, parameters, true);
}

PatchSample ExtractPatch(const SlidePair & pair,
                         unsigned int P,
                         const IndexType & hrIndex,
                         const PatchOptions & options)
{
  if (P == 0 || !pair.lr || !pair.lrMask || !pair.base || (!pair.hr) != (!pair.hrMask))
  {
    throw std::invalid_argument("ExtractPatch: empty patch size or incomplete slide");
  }
  const bool truth = static_cast<bool>(pair.hr);
  PatchSample p;
  p.genes = pair.lr->GetNumberOfComponentsPerPixel();
  p.size = P;
  p.hrIndex = hrIndex;
  const unsigned int G = p.genes;
  const std::size_t area = static_cast<std::size_t>(P) * P;
  if (truth)
  {
    p.hr.assign(G * area, 0.0f);
    p.hrMask.assign(area, 0.0f);
  }
  p.lr.assign(G * area, 0.0f);
  p.base.assign(G * area, 0.0f);
  p.lrMask.assign(area, 0.0f);
  const RegionType grid = pair.lr->GetLargestPossibleRegion();
  for (unsigned int y = 0; y < P; ++y)
  {
    for (unsigned int x = 0; x < P; ++x)
    {
      const IndexType idx = { { hrIndex[0] + x, hrIndex[1] + y } };
      if (!grid.IsInside(idx))
      {
        continue;
      }
      const std::size_t at = static_cast<std::size_t>(y) * P + x;
      const auto lr = pair.lr->GetPixel(idx);
      const auto base = pair.base->GetPixel(idx);
      for (unsigned int g = 0; g < G; ++g)
      {
        p.lr[g * area + at] = lr[g];
        p.base[g * area + at] = base[g];
      }
      p.lrMask[at] = pair.lrMask->GetPixel(idx) ? 1.0f : 0.0f;
      if (truth)
      {
        const auto hr = pair.hr->GetPixel(idx);
        for (unsigned int g = 0; g < G; ++g)
        {
          p.hr[g * area + at] = hr[g];
        }
        p.hrMask[at] = pair.hrMask->GetPixel(idx) ? 1.0f : 0.0f;
      }
    }
  }
  if (!pair.cell || !pair.tissue)
  {
    return p;
  }
  // RGB window of `image` starting at `first`, side `side`, white outside.
  auto window = [](const RGBImageType * image, const IndexType & first, unsigned int side, std::vector<float> & out)
  {
    const std::size_t a = static_cast<std::size_t>(side) * side;
    out.assign(3 * a, 1.0f);
    const RegionType region = image->GetLargestPossibleRegion();
    for (unsigned int y = 0; y < side; ++y)
    {
      for (unsigned int x = 0; x < side; ++x)
      {
        const IndexType idx = { { first[0] + x, first[1] + y } };
        if (region.IsInside(idx))
        {
          const RGBPixelType v = image->GetPixel(idx);
          for (unsigned int c = 0; c < 3; ++c)
          {
            out[c * a + static_cast<std::size_t>(y) * side + x] = v[c] / 255.0f;
          }
        }
      }
    }
  };
  const unsigned int q = pair.cellPixelsPerBin;
  const unsigned int t = pair.tissueBinsPerPixel;
  p.cellSize = P * q;
  p.tissueSize = options.tissuePixels;
  IndexType cellFirst, tissueFirst;
  const RegionType cellRegion = pair.cell->GetLargestPossibleRegion();
  const RegionType tissueRegion = pair.tissue->GetLargestPossibleRegion();
  for (unsigned d = 0; d < 2; ++d)
  {
    const itk::IndexValueType offset = hrIndex[d] - grid.GetIndex(d); // HR pixels from the grid's first
    cellFirst[d] = cellRegion.GetIndex(d) + offset * static_cast<itk::IndexValueType>(q);
    // Patch centre in tissue pixels (edges at integers), then the window around it.
    const double centre = (static_cast<double>(offset) + P / 2.0) / t;
    tissueFirst[d] = tissueRegion.GetIndex(d) +
                     static_cast<itk::IndexValueType>(std::floor(centre - options.tissuePixels / 2.0 + 0.5));
  }
  p.tissueIndex = tissueFirst;
  window(pair.cell, cellFirst, p.cellSize, p.cell);
  window(pair.tissue, tissueFirst, p.tissueSize, p.tissue);
  return p;
}

std::optional<PatchSample> SamplePatch(const SlidePair & pair,
                                       unsigned int P,
                                       std::mt19937_64 & rng,
                                       const PatchOptions & options)
{
  if (P == 0 || !pair.hrMask)
  {
    throw std::invalid_argument("SamplePatch: empty patch size or slide without hrMask");
  }
  const RegionType grid = pair.hrMask->GetLargestPossibleRegion();
  itk::IndexValueType lo[2], hi[2];
  for (unsigned d = 0; d < 2; ++d)
  {
    const auto room = static_cast<itk::IndexValueType>(grid.GetSize(d)) - static_cast<itk::IndexValueType>(P);
    lo[d] = grid.GetIndex(d) + std::min<itk::IndexValueType>(0, room);
    hi[d] = grid.GetIndex(d) + std::max<itk::IndexValueType>(0, room);
  }
  std::uniform_int_distribution<itk::IndexValueType> drawX(lo[0], hi[0]);
  std::uniform_int_distribution<itk::IndexValueType> drawY(lo[1], hi[1]);
  const double needed = options.minValidFraction * static_cast<double>(P) * static_cast<double>(P);
  for (unsigned int attempt = 0; attempt < options.maxTries; ++attempt)
  {
    IndexType first;
    first[0] = drawX(rng);
    first[1] = drawY(rng);
    std::size_t valid = 0;
    for (unsigned int y = 0; y < P; ++y)
    {
      for (unsigned int x = 0; x < P; ++x)
      {
        const IndexType idx = { { first[0] + x, first[1] + y } };
        valid += grid.IsInside(idx) && pair.hrMask->GetPixel(idx) ? 1 : 0;
      }
    }
    if (static_cast<double>(valid) >= needed)
    {
      return ExtractPatch(pair, P, first, options);
    }
  }
  return std::nullopt;
}

} // namespace ss
