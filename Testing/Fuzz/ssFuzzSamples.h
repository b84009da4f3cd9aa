#ifndef ssFuzzSamples_h
#define ssFuzzSamples_h

// Tiny valid inputs, written with SuperSpot's own writers: the seed corpora (ssFuzzSeeds) and
// the fixed files some fuzzers need beside the fuzzed one (a matrix for the positions, the
// maps of a pair set for its manifest).

#include "ssCoordinateFrame.h"
#include "ssExpressionNormalization.h"
#include "ssPairSet.h"
#include "ssSpotData.h"
#include "ssTypes.h"

#include <cmath>
#include <string>
#include <vector>

namespace ss
{
namespace fuzz
{

/** 4 rows x 5 spots on Visium's hexagonal array (array_col = 2k + row parity), 0.5 µm per
 * pixel, 6 genes (one duplicated symbol's worth of variety is left to the fuzzer). */
inline SpotDataset SampleSpots()
{
  SpotDataset ds;
  ds.source = "sample";
  ds.platform = "visium";
  ds.lattice = SpotLattice::Hexagonal;
  ds.pitchUm = 100;
  ds.spotDiameterUm = 55;
  ds.frame = CoordinateFrame::FromMicronsPerPixel(0.5);
  ds.genes = { "ACTB", "KRT19", "ERBB2", "CD74", "MT-CO1", "GAPDH" };
  ds.counts.Reset(ds.genes.size());
  std::vector<double> cols, rows;
  for (int r = 0; r < 4; ++r)
  {
    for (int k = 0; k < 5; ++k)
    {
      const int col = 2 * k + (r % 2);
      PointType px;
      px[0] = 200 + col * 100.0;
      px[1] = 150 + std::round(r * 173.2);
      ds.spots.id.push_back("AAAC" + std::to_string(10 * r + k) + "-1");
      ds.spots.positionPx.push_back(px);
      ds.spots.positionUm.push_back(ds.frame.FullResPxToMicrons(px));
      ds.spots.arrayCol.push_back(col);
      ds.spots.arrayRow.push_back(r);
      ds.spots.inTissue.push_back((r + k) % 7 == 6 ? 0 : 1);
      cols.push_back(col);
      rows.push_back(r);
      std::vector<std::pair<std::int32_t, float>> entries;
      for (std::int32_t g = 0; g < static_cast<std::int32_t>(ds.genes.size()); ++g)
      {
        const int v = (3 * r + 5 * k + 7 * g) % 9 - 2;
        if (v > 0)
        {
          entries.emplace_back(g, static_cast<float>(v * (g + 1)));
        }
      }
      ds.counts.AppendSpot(entries);
    }
  }
  ds.frame.FitArrayGrid(cols, rows, ds.spots.positionPx);
  return ds;
}

/** The same spots on the legacy ST square array (array x, y; 200 µm pitch). */
inline SpotDataset SampleSquareSpots()
{
  SpotDataset ds = SampleSpots();
  ds.platform = "st";
  ds.lattice = SpotLattice::Square;
  ds.pitchUm = 200;
  ds.spotDiameterUm = 100;
  std::vector<double> cols, rows;
  for (std::size_t i = 0; i < ds.spots.Size(); ++i)
  {
    const int x = static_cast<int>(i % 5) + 3;
    const int y = static_cast<int>(i / 5) + 2;
    ds.spots.id[i] = std::to_string(x) + "x" + std::to_string(y);
    ds.spots.arrayCol[i] = x;
    ds.spots.arrayRow[i] = y;
    ds.spots.positionPx[i][0] = 100 + x * 400.0 + (i % 3);
    ds.spots.positionPx[i][1] = 80 + y * 400.0 - (i % 2);
    ds.spots.positionUm[i] = ds.frame.FullResPxToMicrons(ds.spots.positionPx[i]);
    cols.push_back(x);
    rows.push_back(y);
  }
  ds.frame.FitArrayGrid(cols, rows, ds.spots.positionPx);
  return ds;
}

/** 60 molecules of 4 genes (one of them a control probe) in a 200 µm square, with z and qv. */
inline MoleculeTable SampleMolecules()
{
  MoleculeTable t;
  t.source = "sample";
  t.platform = "xenium";
  t.genes = { "EPCAM", "KRT8", "NegControlProbe_00042", "Blank-7" };
  for (int i = 0; i < 60; ++i)
  {
    t.Add(static_cast<float>(1000 + (37 * i) % 200) + 0.25f, static_cast<float>(2000 + (53 * i) % 200) + 0.5f, i % 4);
    t.z.push_back(static_cast<float>(i % 3));
    t.qv.push_back(static_cast<float>(10 + (i * 7) % 31));
  }
  return t;
}

/** A non-constant RGB image of `width` x `height` px with `micronsPerPixel` spacing. */
inline RGBImageType::Pointer SampleImage(unsigned int width, unsigned int height, double micronsPerPixel)
{
  auto image = RGBImageType::New();
  RegionType region;
  region.SetSize(0, width);
  region.SetSize(1, height);
  image->SetRegions(region);
  auto spacing = image->GetSpacing();
  spacing.Fill(micronsPerPixel);
  image->SetSpacing(spacing);
  image->Allocate();
  IndexType i;
  for (i[1] = 0; i[1] < static_cast<itk::IndexValueType>(height); ++i[1])
  {
    for (i[0] = 0; i[0] < static_cast<itk::IndexValueType>(width); ++i[0])
    {
      RGBPixelType p;
      p[0] = static_cast<unsigned char>((3 * i[0] + i[1]) % 256);
      p[1] = static_cast<unsigned char>((i[0] + 5 * i[1]) % 256);
      p[2] = static_cast<unsigned char>(200 - (i[0] + i[1]) % 100);
      image->SetPixel(i, p);
    }
  }
  return image;
}

/** A pair set of one slide (the square spots, 2 genes, with H&E), saved to `folder`. */
inline void SavePairSet(const std::string & folder)
{
  const SpotDataset spots = SampleSquareSpots();
  PairSet set;
  set.genes = { spots.genes[0], spots.genes[2] };
  set.normalization = ExpressionNormalization::Library(1e4);
  set.slides.push_back(MakeSpotSlidePair("sample", spots, { 0, 2 }, SampleImage(400, 300, 4.0)));
  set.Save(folder, true);
}

} // namespace fuzz
} // namespace ss

#endif
