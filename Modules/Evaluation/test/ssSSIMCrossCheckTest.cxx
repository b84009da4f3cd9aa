// SSIM against skimage 0.19 itself (python3-skimage), when it is installed.
#include "ssFiles.h"
#include "ssMetrics.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <iostream>
#include <random>

namespace
{
const char * const Python = "/usr/bin/python3";

bool HaveSkimage()
{
  const std::string probe = std::string(Python) + " -c 'import skimage.metrics, numpy' > /dev/null 2>&1";
  return ss::FileExists(Python) && std::system(probe.c_str()) == 0;
}

struct Case
{
  std::size_t width, height;
  std::vector<float> truth, prediction;
  ss::ValidityMask tissue;
};

/** Random truth on an irregular tissue, a noisy prediction that sometimes leaves the
 * truth's range (so clipping matters), junk outside the tissue. */
Case MakeCase(std::size_t w, std::size_t h, unsigned seed)
{
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  std::normal_distribution<float> noise(0.f, 0.4f);
  Case c{ w, h, std::vector<float>(w * h), std::vector<float>(w * h), ss::ValidityMask(w * h) };
  for (std::size_t r = 0; r < h; ++r)
  {
    for (std::size_t col = 0; col < w; ++col)
    {
      const std::size_t i = r * w + col;
      // An ellipse of tissue, touching some image edges, with holes.
      const double dx = (double(col) - 0.45 * w) / (0.55 * w);
      const double dy = (double(r) - 0.5 * h) / (0.5 * h);
      c.tissue[i] = (dx * dx + dy * dy <= 1.0 && u(rng) > 0.1) ? 1 : 0;
      c.truth[i] = 3 * u(rng) + 0.1f * float(col);
      c.prediction[i] = c.truth[i] + noise(rng);
      if (!c.tissue[i])
      {
        c.truth[i] = 100 * u(rng);
        c.prediction[i] = -100 * u(rng);
      }
    }
  }
  return c;
}
} // namespace

TEST(SSIMCrossCheck, MatchesSkimage)
{
  if (!HaveSkimage())
  {
    GTEST_SKIP() << Python << " with skimage and numpy is not installed (Debian: python3-skimage)";
  }
  std::vector<Case> cases{ MakeCase(7, 7, 1), MakeCase(9, 13, 2), MakeCase(20, 17, 3), MakeCase(33, 35, 4) };
  nlohmann::json in = nlohmann::json::array();
  for (const auto & c : cases)
  {
    // skimage gets image1 = truth and image2 = prediction as they are (float64), so the
    // full map is compared on raw values and the tissue SSIM on the protocol's steps.
    in.push_back({ { "width", c.width },
                   { "height", c.height },
                   { "image1", c.truth },
                   { "image2", c.prediction },
                   { "tissue", c.tissue } });
  }
  const std::string dir = std::string(::testing::TempDir()) + "/ssim-crosscheck";
  ss::CreateDirectories(dir);
  ss::WriteJSONFileAtomically(dir + "/cases.json", in);
  const std::string command = std::string(Python) + " " + SUPERSPOT_SOURCE_DIR +
                              "/Modules/Evaluation/test/ssSSIMReference.py " + dir + "/cases.json " + dir + "/out.json";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const auto out = ss::ReadJSONFile(dir + "/out.json");
  ASSERT_EQ(out.size(), cases.size());
  for (std::size_t k = 0; k < cases.size(); ++k)
  {
    const auto & c = cases[k];
    SCOPED_TRACE(std::to_string(c.width) + " x " + std::to_string(c.height));
    const std::vector<double> a(c.truth.begin(), c.truth.end());
    const std::vector<double> b(c.prediction.begin(), c.prediction.end());
    const auto mine = ss::StructuralSimilarity(a, b, c.width, c.height);
    const auto reference = out[k]["map"].get<std::vector<double>>();
    ASSERT_EQ(reference.size(), mine.map.size());
    double worst = 0;
    for (std::size_t i = 0; i < reference.size(); ++i)
    {
      worst = std::max(worst, std::fabs(reference[i] - mine.map[i]));
    }
    EXPECT_LT(worst, 1e-6) << "largest difference of the full map, borders included";
    std::cout << c.width << " x " << c.height << ": largest |map difference| " << worst << "\n";
    EXPECT_NEAR(mine.mean, out[k]["mssim"].get<double>(), 1e-6);
    EXPECT_NEAR(
      ss::TissueSSIM(c.truth, c.prediction, c.tissue, c.width, c.height), out[k]["tissue_ssim"].get<double>(), 1e-6);
  }
}
