#ifndef ssIOTestUtilities_h
#define ssIOTestUtilities_h

#include "ssFiles.h"
#include "ssSpotData.h"
#include "ssTypes.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>

#include <cmath>
#include <cstdlib>
#include <string>

namespace ss
{
namespace test
{

/** $SUPERSPOT_DATA_DIR/<relative> if that file or folder exists, else "". */
inline std::string DataPath(const std::string & relative)
{
  const char * dir = std::getenv("SUPERSPOT_DATA_DIR");
  if (!dir || !*dir)
  {
    return {};
  }
  const std::string p = JoinPath(dir, relative);
  return FileExists(p) || DirectoryExists(p) ? p : std::string();
}

/** A fresh, empty folder for the current test. */
inline std::string TestDirectory()
{
  const auto * info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string dir =
    JoinPath(::testing::TempDir(), std::string("ssio-") + info->test_suite_name() + "-" + info->name());
  boost::filesystem::remove_all(dir);
  CreateDirectories(dir);
  return dir;
}

/** A non-constant RGB image: R ramps along x, G along y, B mixes both (values in 0..255). */
inline RGBImageType::Pointer MakeRamp(unsigned int width, unsigned int height, double micronsPerPixel = 1.0)
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
      p[0] = static_cast<unsigned char>(std::lround(255.0 * static_cast<double>(i[0]) / (width - 1)));
      p[1] = static_cast<unsigned char>(std::lround(255.0 * static_cast<double>(i[1]) / (height - 1)));
      p[2] = static_cast<unsigned char>((i[0] + 2 * i[1]) % 256);
      image->SetPixel(i, p);
    }
  }
  return image;
}

/** A small Visium-like dataset: hexagonal array (array_col steps by 2 within a row), 55 µm
 * spots on a 100 µm pitch, `micronsPerPixel` full-res pixels, varied integer counts. */
inline SpotDataset MakeVisiumLike(int rows = 5, int columns = 6, double micronsPerPixel = 0.5)
{
  SpotDataset ds;
  ds.source = "synthetic";
  ds.platform = "visium";
  ds.lattice = SpotLattice::Hexagonal;
  ds.pitchUm = 100;
  ds.spotDiameterUm = 55;
  ds.frame = CoordinateFrame::FromMicronsPerPixel(micronsPerPixel);
  ds.genes = { "GeneA", "GeneB", "GeneC", "GeneD", "GeneE", "GeneF", "GeneG" };
  std::vector<double> cols, rws;
  std::vector<PointType> px;
  ds.counts.Reset(ds.genes.size());
  int s = 0;
  for (int r = 0; r < rows; ++r)
  {
    for (int k = 0; k < columns; ++k, ++s)
    {
      const int col = 2 * k + (r % 2);
      PointType p;
      p[0] = 300 + col * 50.0 / micronsPerPixel; // 50 µm between array columns
      p[1] = 250 + r * 86.60254037844386 / micronsPerPixel;
      p[0] = std::round(p[0]);
      p[1] = std::round(p[1]);
      ds.spots.id.push_back("SPOT" + std::to_string(1000 + s) + "-1");
      ds.spots.positionPx.push_back(p);
      ds.spots.positionUm.push_back(ds.frame.FullResPxToMicrons(p));
      ds.spots.arrayCol.push_back(col);
      ds.spots.arrayRow.push_back(r);
      ds.spots.inTissue.push_back(1);
      cols.push_back(col);
      rws.push_back(r);
      px.push_back(p);
      std::vector<std::pair<std::int32_t, float>> entries;
      for (std::int32_t g = 0; g < static_cast<std::int32_t>(ds.genes.size()); ++g)
      {
        const int v = (s * 3 + g * 5) % 7 - 2; // some zeros, values up to 4
        if (v > 0)
        {
          entries.emplace_back(g, static_cast<float>(v * (g + 1)));
        }
      }
      ds.counts.AppendSpot(entries);
    }
  }
  if (rows > 1)
  {
    ds.frame.FitArrayGrid(cols, rws, px);
  }
  return ds;
}

/** True when some note contains `text`. */
inline bool HasNote(const std::vector<std::string> & notes, const std::string & text)
{
  for (const auto & n : notes)
  {
    if (n.find(text) != std::string::npos)
    {
      return true;
    }
  }
  return false;
}

} // namespace test
} // namespace ss

/** Skips the test (with the reason) when $SUPERSPOT_DATA_DIR/<relative> is absent. */
#define SS_REQUIRE_DATA(variable, relative)                                                                            \
  const std::string variable = ::ss::test::DataPath(relative);                                                         \
  if (variable.empty())                                                                                                \
  {                                                                                                                    \
    GTEST_SKIP() << "needs the shared test data: $SUPERSPOT_DATA_DIR/" << (relative)                                   \
                 << " (see Data/ and CMake/SuperSpotTestData.cmake)";                                                  \
  }

/** Expects `statement` to throw ss::InputError whose message contains `text`. */
#define SS_EXPECT_INPUT_ERROR(statement, text)                                                                         \
  do                                                                                                                   \
  {                                                                                                                    \
    try                                                                                                                \
    {                                                                                                                  \
      statement;                                                                                                       \
      ADD_FAILURE() << "expected ss::InputError containing '" << (text) << "'";                                        \
    }                                                                                                                  \
    catch (const ::ss::InputError & e)                                                                                 \
    {                                                                                                                  \
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();                                      \
    }                                                                                                                  \
  } while (false)

#endif
