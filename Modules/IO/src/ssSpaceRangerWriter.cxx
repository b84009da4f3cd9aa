#include "ssSpaceRanger.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssIOText.h"
#include "ssImageIO.h"
#include "ssProgress.h"

#include <cmath>
#include <tuple>

namespace ss
{

namespace
{
/** An image with the same pixels and default geometry, so PNG/TIFF writers store no
 * physical size (Space Ranger's images carry none; the scale factors place them). */
RGBImageType::Pointer WithPixelGeometry(const RGBImageType * image)
{
  auto out = RGBImageType::New();
  out->SetRegions(image->GetLargestPossibleRegion());
  // Shares the pixels without copying a possibly large slide; nothing writes to them.
  out->SetPixelContainer(const_cast<RGBImageType::PixelContainer *>(image->GetPixelContainer()));
  return out;
}

void CheckFrameIsExpressible(const SpotDataset & dataset, const std::string & outsDir)
{
  const auto & m = dataset.frame.GetPixelToMicrons();
  const double s = dataset.frame.GetMicronsPerPixel();
  const double tolerance = 1e-9 * s;
  const bool square = std::abs(m(0, 0) - s) <= tolerance && std::abs(m(1, 1) - s) <= tolerance &&
                      std::abs(m(0, 1)) <= tolerance && std::abs(m(1, 0)) <= tolerance;
  const auto & o = dataset.frame.GetOrigin();
  if (!square || o[0] != 0 || o[1] != 0)
  {
    SS_INPUT_ERROR(outsDir,
                   "coordinate frame",
                   "Space Ranger outs/ can only express square pixels without rotation and origin 0 "
                   "(spot_diameter_fullres), but the dataset's frame is more general",
                   "build the dataset with CoordinateFrame::FromMicronsPerPixel, or write it in another format");
  }
}
} // namespace

namespace
{
/** Everything but the images' making: the matrix, the positions, the images given, the
 * scale factors. */
void WriteOuts(const std::string & outsDir,
               const SpotDataset & dataset,
               const SpaceRangerImages & images,
               const SpaceRangerWriteOptions & options)
{
  const std::size_t n = dataset.NumberOfSpots();
  const std::string spatial = JoinPath(outsDir, "spatial");
  CreateDirectories(spatial);

  // --- matrix
  FeatureBarcodeMatrix m;
  m.barcodes = dataset.spots.id;
  m.featureNames = dataset.genes;
  m.featureIds = dataset.genes; // SpotDataset keeps names only; ids repeat them
  m.featureTypes.assign(dataset.genes.size(), "Gene Expression");
  m.counts = dataset.counts;
  WriteFeatureBarcodeMatrixH5(JoinPath(outsDir, "filtered_feature_bc_matrix.h5"), m);

  // --- positions
  const bool v2 = options.positionsVersion == 2;
  io::WriteStreamAtomically(JoinPath(spatial, v2 ? "tissue_positions.csv" : "tissue_positions_list.csv"),
                            false,
                            [&](std::ostream & out)
                            {
                              if (v2)
                              {
                                out << "barcode,in_tissue,array_row,array_col,pxl_row_in_fullres,pxl_col_in_fullres\n";
                              }
                              std::string line;
                              for (std::size_t i = 0; i < n; ++i)
                              {
                                line.clear();
                                line += dataset.spots.id[i];
                                line += dataset.spots.inTissue.empty() || dataset.spots.inTissue[i] ? ",1," : ",0,";
                                line += std::to_string(dataset.spots.arrayRow[i]) + "," +
                                        std::to_string(dataset.spots.arrayCol[i]) + ",";
                                io::AppendNumber(line, dataset.spots.positionPx[i][1]);
                                line += ',';
                                io::AppendNumber(line, dataset.spots.positionPx[i][0]);
                                line += '\n';
                                out << line;
                              }
                            });

  // --- images and scale factors
  const double micronsPerPixel = dataset.frame.GetMicronsPerPixel();
  nlohmann::json scale;
  scale["spot_diameter_fullres"] = VisiumScaleFactorSpotUm / micronsPerPixel;
  scale["fiducial_diameter_fullres"] = VisiumScaleFactorFiducialUm / micronsPerPixel;
  if (images.hires)
  {
    scale["tissue_hires_scalef"] = images.hiresScale;
    WriteImageAtomically(WithPixelGeometry(images.hires).GetPointer(), JoinPath(spatial, "tissue_hires_image.png"));
  }
  if (images.lowres)
  {
    scale["tissue_lowres_scalef"] = images.lowresScale;
    WriteImageAtomically(WithPixelGeometry(images.lowres).GetPointer(), JoinPath(spatial, "tissue_lowres_image.png"));
  }
  WriteJSONFileAtomically(JoinPath(spatial, "scalefactors_json.json"), scale);
}

void CheckDataset(const std::string & outsDir, const SpotDataset & dataset, const SpaceRangerWriteOptions & options)
{
  if (options.positionsVersion != 1 && options.positionsVersion != 2)
  {
    throw std::invalid_argument("WriteSpaceRangerOuts: positionsVersion must be 1 or 2");
  }
  dataset.Validate();
  const std::size_t n = dataset.NumberOfSpots();
  if (dataset.spots.positionPx.size() != n || dataset.spots.arrayCol.size() != n || dataset.spots.arrayRow.size() != n)
  {
    SS_INPUT_ERROR(outsDir,
                   "spots",
                   "Space Ranger positions need full-res pixel positions and array columns/rows for every spot",
                   "fill SpotTable::positionPx, arrayCol and arrayRow");
  }
  CheckFrameIsExpressible(dataset, outsDir);
  if (dataset.spotDiameterUm > 0 && std::abs(dataset.spotDiameterUm - VisiumSpotDiameterUm) > 1e-6)
  {
    LogWarning(outsDir + ": the dataset's spots are " + io::NumberText(dataset.spotDiameterUm) +
               " µm across, but Visium's are 55 µm: readers of Space Ranger folders will report 55 µm spots");
  }
}
} // namespace

void WriteSpaceRangerOuts(const std::string & outsDir,
                          const SpotDataset & dataset,
                          const RGBImageType * fullRes,
                          const SpaceRangerWriteOptions & options)
{
  CheckDataset(outsDir, dataset, options);
  const double micronsPerPixel = dataset.frame.GetMicronsPerPixel();
  SpaceRangerImages images;
  if (fullRes)
  {
    const auto spacing = fullRes->GetSpacing();
    const bool pixelGeometry = spacing[0] == 1.0 && spacing[1] == 1.0;
    if (!pixelGeometry && (std::abs(spacing[0] - micronsPerPixel) > 1e-6 * micronsPerPixel ||
                           std::abs(spacing[1] - micronsPerPixel) > 1e-6 * micronsPerPixel))
    {
      SS_INPUT_ERROR(outsDir,
                     "full-resolution image",
                     "its spacing (" + io::NumberText(spacing[0]) + " µm/px) differs from the dataset's frame (" +
                       io::NumberText(micronsPerPixel) + " µm/px)",
                     "pass the full-resolution image the spot pixel positions refer to");
    }
    const SizeType size = fullRes->GetLargestPossibleRegion().GetSize();
    images.hiresScale = ScaleToFit(size, options.hiresMaxSize);
    images.lowresScale = ScaleToFit(size, options.lowresMaxSize);
    const auto pixels = WithPixelGeometry(fullRes);
    images.hires = DownsampleRGB(pixels, images.hiresScale);
    images.lowres = DownsampleRGB(pixels, images.lowresScale);
  }
  WriteOuts(outsDir, dataset, images, options);
  if (fullRes && options.writeFullResImage)
  {
    WriteImageAtomically(WithPixelGeometry(fullRes).GetPointer(), JoinPath(outsDir, options.fullResImageName));
  }
}

void WriteSpaceRangerOuts(const std::string & outsDir,
                          const SpotDataset & dataset,
                          const SpaceRangerImages & images,
                          const SpaceRangerWriteOptions & options)
{
  if (options.writeFullResImage)
  {
    throw std::invalid_argument("WriteSpaceRangerOuts: writeFullResImage needs the full-resolution image; write it "
                                "with WritePyramidalTIFF instead");
  }
  for (const auto & [image, s, level] : { std::make_tuple(images.hires.GetPointer(), images.hiresScale, "hires"),
                                          std::make_tuple(images.lowres.GetPointer(), images.lowresScale, "lowres") })
  {
    if (image && !(s > 0 && s <= 1))
    {
      throw std::invalid_argument(std::string("WriteSpaceRangerOuts: the ") + level + " scale must be in (0, 1]");
    }
  }
  CheckDataset(outsDir, dataset, options);
  WriteOuts(outsDir, dataset, images, options);
}

} // namespace ss
