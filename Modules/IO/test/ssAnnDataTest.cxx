#include "ssAnnData.h"
#include "ssError.h"
#include "ssFiles.h"
#include "ssSpotOverlay.h"

#include "ssIOTestUtilities.h"

#include <hdf5.h>

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

namespace
{
const char * const Python = "/usr/bin/python3";

bool HaveAnnData()
{
  const std::string probe = std::string(Python) + " -c 'import anndata, h5py, numpy' > /dev/null 2>&1";
  return ss::FileExists(Python) && std::system(probe.c_str()) == 0;
}

constexpr std::size_t NObs = 7;
constexpr std::size_t NVars = 3;
constexpr double HiresScale = 0.5;

ss::RGBPixelType Marker(std::size_t i)
{
  return ss::MakeRGB(static_cast<unsigned char>(20 + 30 * i), static_cast<unsigned char>(250 - 30 * i), 7);
}

/** Full-resolution (x, y) px of observation i: spread over a 120 x 80 px slide. */
std::pair<double, double> PositionPx(std::size_t i)
{
  return { 10.0 + 14.0 * i, 12.0 + 8.0 * i };
}

ss::RGBImageType::Pointer GreyImage(unsigned int width, unsigned int height, unsigned char level)
{
  auto image = ss::RGBImageType::New();
  ss::RegionType region;
  region.SetSize({ { width, height } });
  image->SetRegions(region);
  image->Allocate();
  image->FillBuffer(ss::MakeRGB(level, level, level));
  return image;
}

/** A small but non-trivial AnnData: values that need all of float32's bits (subnormals,
 * the largest float, a NaN), UTF-8 names, a layer, obs/var columns, obsm['spatial'], two
 * images with a marker under each observation in the hires one, and nested uns entries. */
ss::AnnDataContent MakeContent()
{
  ss::AnnDataContent c;
  for (std::size_t i = 0; i < NObs; ++i)
  {
    c.obsNames.push_back("x" + std::to_string(3 * i) + "_y" + std::to_string(i));
  }
  c.varNames = { "ERBB2", "CD8A", "gene-\xc2\xb5" };
  c.X.resize(NObs * NVars);
  std::vector<float> deviation(NObs * NVars);
  for (std::size_t k = 0; k < c.X.size(); ++k)
  {
    c.X[k] = static_cast<float>(std::log1p(k / 3.0) + 1e-7 * k);
    deviation[k] = static_cast<float>(0.01 + std::sqrt(k) / 7.0);
  }
  c.X[4] = std::numeric_limits<float>::denorm_min() * 3;
  c.X[5] = std::numeric_limits<float>::max();
  c.X[6] = std::numeric_limits<float>::quiet_NaN();
  c.layers.push_back({ "std", deviation });
  std::vector<double> xUm, totals, spatial;
  for (std::size_t i = 0; i < NObs; ++i)
  {
    xUm.push_back(0.25 * i - 1.0 / 3);
    totals.push_back(1000.0 + i);
    const auto [x, y] = PositionPx(i);
    spatial.push_back(x);
    spatial.push_back(y);
  }
  c.obsColumns = { { "x_um", xUm }, { "total_counts", totals } };
  c.varColumns = { { "scale", { 0.5, 1.0 / 3, 2.0 } } };
  c.obsm.push_back({ "spatial", spatial, 2 });
  c.obsm.push_back({ "three", std::vector<double>(NObs * 3, 1.5), 3 });

  c.libraryId = "slide-1";
  auto hires = GreyImage(60, 40, 128);
  for (std::size_t i = 0; i < NObs; ++i)
  {
    const auto [x, y] = PositionPx(i);
    hires->SetPixel({ { std::lround(x * HiresScale), std::lround(y * HiresScale) } }, Marker(i));
  }
  c.images.push_back({ "hires", hires.GetPointer(), HiresScale });
  c.images.push_back({ "lowres", GreyImage(15, 10, 90).GetPointer(), 0.125 });
  c.spotDiameterFullres = 110.0;
  c.spatialMetadata = { { "source", "SuperSpot test" }, { "genes", 3 } };
  c.uns = { { "superspot",
              { { "scale", "log1p" },
                { "resolution_um", 8.0 },
                { "samples", 4 },
                { "flags", { true, false } },
                { "grid", { { 1, 2, 3 }, { 4, 5, 6 } } },
                { "empty", nlohmann::json::array() },
                { "names", { "a", "\xc2\xb5m" } } } },
            { "flag", true } };
  return c;
}

/** Equal bit for bit, NaN matching null. */
void ExpectSameFloats(const nlohmann::json & read, const std::vector<float> & written, const std::string & what)
{
  ASSERT_EQ(read.size(), written.size()) << what;
  for (std::size_t k = 0; k < written.size(); ++k)
  {
    if (std::isnan(written[k]))
    {
      EXPECT_TRUE(read[k].is_null()) << what << "[" << k << "]";
      continue;
    }
    const float back = static_cast<float>(read[k].get<double>());
    EXPECT_EQ(std::memcmp(&back, &written[k], sizeof(float)), 0)
      << what << "[" << k << "]: " << back << " vs " << written[k];
  }
}

std::string ReadBytes(const std::string & path)
{
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/** Files in `dir` (names only). */
std::vector<std::string> Listing(const std::string & dir)
{
  std::vector<std::string> names;
  for (const auto & e : boost::filesystem::directory_iterator(dir))
  {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

/** The string attribute `name` of `object`, read with HDF5's C API (variable-length only). */
std::string StringAttribute(hid_t file, const char * object, const char * name)
{
  const hid_t a = H5Aopen_by_name(file, object, name, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0)
  {
    return "<missing>";
  }
  const hid_t type = H5Aget_type(a);
  std::string value = "<not a variable-length UTF-8 string>";
  if (H5Tis_variable_str(type) > 0 && H5Tget_cset(type) == H5T_CSET_UTF8)
  {
    char * p = nullptr;
    const hid_t memory = H5Tcopy(H5T_C_S1);
    H5Tset_size(memory, H5T_VARIABLE);
    H5Tset_cset(memory, H5T_CSET_UTF8);
    if (H5Aread(a, memory, &p) >= 0 && p)
    {
      value = p;
      H5free_memory(p);
    }
    H5Tclose(memory);
  }
  H5Tclose(type);
  H5Aclose(a);
  return value;
}
} // namespace

TEST(AnnData, WritesTheOnDiskSpecificationsEncodings)
{
  // Checked with HDF5 itself, so it runs where anndata is not installed.
  const std::string path = ss::JoinPath(ss::test::TestDirectory(), "out.h5ad");
  ss::WriteAnnData(path, MakeContent());
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  EXPECT_EQ(StringAttribute(f, "/", "encoding-type"), "anndata");
  EXPECT_EQ(StringAttribute(f, "/", "encoding-version"), "0.1.0");
  EXPECT_EQ(StringAttribute(f, "obs", "encoding-type"), "dataframe");
  EXPECT_EQ(StringAttribute(f, "obs", "encoding-version"), "0.2.0");
  EXPECT_EQ(StringAttribute(f, "obs", "_index"), "_index");
  EXPECT_EQ(StringAttribute(f, "obs/_index", "encoding-type"), "string-array");
  EXPECT_EQ(StringAttribute(f, "X", "encoding-type"), "array");
  EXPECT_EQ(StringAttribute(f, "X", "encoding-version"), "0.2.0");
  EXPECT_EQ(StringAttribute(f, "layers", "encoding-type"), "dict");
  EXPECT_EQ(StringAttribute(f, "layers", "encoding-version"), "0.1.0");
  EXPECT_EQ(StringAttribute(f, "uns/superspot/resolution_um", "encoding-type"), "numeric-scalar");
  EXPECT_EQ(StringAttribute(f, "uns/superspot/scale", "encoding-type"), "string");
  EXPECT_EQ(StringAttribute(f, "uns/superspot/names", "encoding-type"), "string-array");
  EXPECT_EQ(StringAttribute(f, "uns/spatial/slide-1/images", "encoding-type"), "dict");
  for (const char * slot : { "obsp", "varm", "varp" })
  {
    EXPECT_EQ(StringAttribute(f, slot, "encoding-type"), "dict") << slot;
  }

  // X: n_obs x n_vars float32, chunked and gzip-compressed.
  const hid_t x = H5Dopen2(f, "X", H5P_DEFAULT);
  ASSERT_GE(x, 0);
  const hid_t space = H5Dget_space(x);
  hsize_t dims[2] = { 0, 0 };
  ASSERT_EQ(H5Sget_simple_extent_dims(space, dims, nullptr), 2);
  EXPECT_EQ(dims[0], NObs);
  EXPECT_EQ(dims[1], NVars);
  const hid_t type = H5Dget_type(x);
  EXPECT_GT(H5Tequal(type, H5T_IEEE_F32LE), 0);
  const hid_t properties = H5Dget_create_plist(x);
  EXPECT_EQ(H5Pget_layout(properties), H5D_CHUNKED);
  bool deflate = false;
  for (int k = 0; k < H5Pget_nfilters(properties); ++k)
  {
    unsigned flags = 0;
    std::size_t n = 0;
    deflate = deflate || H5Pget_filter2(properties, k, &flags, &n, nullptr, 0, nullptr, nullptr) == H5Z_FILTER_DEFLATE;
  }
  EXPECT_TRUE(deflate);
  H5Pclose(properties);
  H5Tclose(type);
  H5Sclose(space);
  H5Dclose(x);
  H5Fclose(f);
}

TEST(AnnData, AnndataReadsWhatWasWritten)
{
  if (!HaveAnnData())
  {
    GTEST_SKIP() << Python << " with anndata and h5py is not installed (Debian: python3-anndata)";
  }
  const std::string dir = ss::test::TestDirectory();
  const std::string path = ss::JoinPath(dir, "slide.h5ad");
  const ss::AnnDataContent c = MakeContent();
  ss::WriteAnnData(path, c);
  EXPECT_EQ(Listing(dir), std::vector<std::string>{ "slide.h5ad" }); // no temporary left
  const std::string json = ss::JoinPath(dir, "read.json");
  const std::string command =
    std::string(Python) + " " + SUPERSPOT_SOURCE_DIR + "/Modules/IO/test/ssAnnDataRead.py " + path + " " + json;
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const auto r = ss::ReadJSONFile(json);

  EXPECT_EQ(r["shape"], nlohmann::json({ NObs, NVars }));
  EXPECT_EQ(r["obs_names"].get<std::vector<std::string>>(), c.obsNames);
  EXPECT_EQ(r["var_names"].get<std::vector<std::string>>(), c.varNames);
  EXPECT_EQ(r["X_dtype"], "float32");
  ExpectSameFloats(r["X"], c.X, "X");
  EXPECT_EQ(r["layers"]["std"]["dtype"], "float32");
  EXPECT_EQ(r["layers"]["std"]["shape"], nlohmann::json({ NObs, NVars }));
  ExpectSameFloats(r["layers"]["std"]["data"], c.layers[0].values, "layers['std']");
  EXPECT_EQ(r["compression"]["X"], "gzip");
  EXPECT_EQ(r["compression"]["layers/std"], "gzip");

  EXPECT_EQ(r["obs"]["x_um"].get<std::vector<double>>(), c.obsColumns[0].values);
  EXPECT_EQ(r["obs"]["total_counts"].get<std::vector<double>>(), c.obsColumns[1].values);
  EXPECT_EQ(r["obs_dtypes"]["x_um"], "float64");
  EXPECT_EQ(r["var"]["scale"].get<std::vector<double>>(), c.varColumns[0].values);

  EXPECT_EQ(r["obsm"]["spatial"]["dtype"], "float64");
  EXPECT_EQ(r["obsm"]["spatial"]["shape"], nlohmann::json({ NObs, 2 }));
  EXPECT_EQ(r["obsm"]["spatial"]["data"].get<std::vector<double>>(), c.obsm[0].values);
  EXPECT_EQ(r["obsm"]["three"]["shape"], nlohmann::json({ NObs, 3 }));

  // What scanpy.pl.spatial reads.
  const auto & library = r["uns"]["spatial"]["slide-1"];
  EXPECT_EQ(library["images"]["hires"]["dtype"], "uint8");
  EXPECT_EQ(library["images"]["hires"]["shape"], nlohmann::json({ 40, 60, 3 }));
  EXPECT_EQ(library["images"]["lowres"]["shape"], nlohmann::json({ 10, 15, 3 }));
  EXPECT_EQ(library["scalefactors"]["tissue_hires_scalef"]["value"], HiresScale);
  EXPECT_EQ(library["scalefactors"]["tissue_lowres_scalef"]["value"], 0.125);
  EXPECT_EQ(library["scalefactors"]["spot_diameter_fullres"]["value"], 110.0);
  EXPECT_EQ(library["metadata"]["source"], "SuperSpot test");
  EXPECT_EQ(library["metadata"]["genes"]["value"], 3);
  // obsm['spatial'] * tissue_hires_scalef lands on each observation's marker, (x, y) = (column, row).
  const auto & under = r["hires_under_obs"]["slide-1"];
  ASSERT_EQ(under.size(), NObs);
  for (std::size_t i = 0; i < NObs; ++i)
  {
    const auto m = Marker(i);
    EXPECT_EQ(under[i], nlohmann::json({ m[0], m[1], m[2] })) << "observation " << i;
  }

  // uns: nested dicts, scalars and arrays with their dtypes.
  const auto & s = r["uns"]["superspot"];
  EXPECT_EQ(s["scale"], "log1p");
  EXPECT_EQ(s["resolution_um"], nlohmann::json({ { "dtype", "float64" }, { "value", 8.0 } }));
  EXPECT_EQ(s["samples"], nlohmann::json({ { "dtype", "int64" }, { "value", 4 } }));
  EXPECT_EQ(s["flags"]["dtype"], "bool");
  EXPECT_EQ(s["flags"]["data"], nlohmann::json({ true, false }));
  EXPECT_EQ(s["grid"]["dtype"], "int64");
  EXPECT_EQ(s["grid"]["shape"], nlohmann::json({ 2, 3 }));
  EXPECT_EQ(s["grid"]["data"], nlohmann::json({ 1, 2, 3, 4, 5, 6 }));
  EXPECT_EQ(s["empty"]["shape"], nlohmann::json::array({ 0 }));
  EXPECT_EQ(s["names"]["data"], nlohmann::json({ "a", "\xc2\xb5m" }));
  EXPECT_EQ(r["uns"]["flag"], nlohmann::json({ { "bool", true } }));
}

TEST(AnnData, AnndataReadsAFileWithoutSpatialData)
{
  if (!HaveAnnData())
  {
    GTEST_SKIP() << Python << " with anndata and h5py is not installed (Debian: python3-anndata)";
  }
  const std::string dir = ss::test::TestDirectory();
  ss::AnnDataContent c;
  c.obsNames = { "a", "b" };
  c.varNames = { "g" };
  c.X = { 1.5f, -2.0f };
  const std::string path = ss::JoinPath(dir, "plain.h5ad");
  ss::WriteAnnData(path, c);
  const std::string json = ss::JoinPath(dir, "read.json");
  const std::string command =
    std::string(Python) + " " + SUPERSPOT_SOURCE_DIR + "/Modules/IO/test/ssAnnDataRead.py " + path + " " + json;
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const auto r = ss::ReadJSONFile(json);
  EXPECT_EQ(r["shape"], nlohmann::json({ 2, 1 }));
  ExpectSameFloats(r["X"], c.X, "X");
  EXPECT_TRUE(r["obs"].empty());
  EXPECT_TRUE(r["uns"].empty());
}

TEST(AnnData, RefusesInconsistentContentNamingTheField)
{
  const std::string dir = ss::test::TestDirectory();
  const std::string path = ss::JoinPath(dir, "bad.h5ad");
  const auto expectRefused = [&](const ss::AnnDataContent & c, const std::string & field)
  {
    try
    {
      ss::WriteAnnData(path, c);
      ADD_FAILURE() << "no error for " << field;
    }
    catch (const ss::InputError & e)
    {
      EXPECT_EQ(e.GetInputFile(), path);
      EXPECT_NE(e.GetField().find(field), std::string::npos) << e.what();
    }
    EXPECT_FALSE(ss::FileExists(path)) << field;
  };
  {
    auto c = MakeContent();
    c.X.pop_back();
    expectRefused(c, "X");
  }
  {
    auto c = MakeContent();
    c.layers[0].values.push_back(1.0f);
    expectRefused(c, "layers['std']");
  }
  {
    auto c = MakeContent();
    c.obsColumns[1].values.pop_back();
    expectRefused(c, "obs['total_counts']");
  }
  {
    auto c = MakeContent();
    c.varColumns[0].values.push_back(0);
    expectRefused(c, "var['scale']");
  }
  {
    auto c = MakeContent();
    c.obsm[1].columns = 2;
    expectRefused(c, "obsm['three']");
  }
  {
    auto c = MakeContent();
    c.varNames[2] = "ERBB2";
    expectRefused(c, "var_names");
  }
  {
    auto c = MakeContent();
    c.layers[0].name = "a/b";
    expectRefused(c, "layers");
  }
  {
    auto c = MakeContent();
    c.uns["superspot"]["nothing"] = nullptr;
    expectRefused(c, "uns['superspot']['nothing']");
  }
  {
    auto c = MakeContent();
    c.uns["mixed"] = { 1, "two" };
    expectRefused(c, "uns['mixed']");
  }
  {
    auto c = MakeContent();
    c.uns["ragged"] = { { 1, 2 }, { 3 } };
    expectRefused(c, "uns['ragged']");
  }
  {
    auto c = MakeContent();
    c.uns["spatial"] = { { "x", 1 } };
    expectRefused(c, "uns['spatial']");
  }
  {
    auto c = MakeContent();
    c.obsm.erase(c.obsm.begin());
    expectRefused(c, "obsm['spatial']");
  }
  {
    auto c = MakeContent();
    c.spotDiameterFullres = 0;
    expectRefused(c, "spot_diameter_fullres");
  }
  {
    auto c = MakeContent();
    c.images[1].scaleFactor = -1;
    expectRefused(c, "tissue_lowres_scalef");
  }
  {
    auto c = MakeContent();
    c.images[0].image = nullptr;
    expectRefused(c, "['images']['hires']");
  }
  {
    auto c = MakeContent();
    c.libraryId.clear();
    expectRefused(c, "uns['spatial']");
  }
}

TEST(AnnData, AFailedWriteLeavesNoFileBehind)
{
  const std::string dir = ss::test::TestDirectory();
  // A refused write leaves an existing file as it was.
  const std::string path = ss::JoinPath(dir, "kept.h5ad");
  ss::WriteTextFileAtomically(path, "the previous file");
  auto bad = MakeContent();
  bad.X.push_back(0);
  EXPECT_THROW(ss::WriteAnnData(path, bad), ss::InputError);
  EXPECT_EQ(ReadBytes(path), "the previous file");

  // A write that fails after the file was written (here: the name is taken by a folder, so
  // the final rename fails) removes its temporary and leaves the folder alone.
  const std::string taken = ss::JoinPath(dir, "taken.h5ad");
  ss::CreateDirectories(ss::JoinPath(taken, "inside"));
  EXPECT_THROW(ss::WriteAnnData(taken, MakeContent()), ss::InputError);
  EXPECT_TRUE(ss::DirectoryExists(ss::JoinPath(taken, "inside")));
  EXPECT_EQ(Listing(dir), (std::vector<std::string>{ "kept.h5ad", "taken.h5ad" }));

  // A folder that does not exist: an error naming the file, nothing created.
  const std::string nowhere = ss::JoinPath(ss::JoinPath(dir, "missing"), "x.h5ad");
  EXPECT_THROW(ss::WriteAnnData(nowhere, MakeContent()), ss::InputError);
  EXPECT_FALSE(ss::DirectoryExists(ss::JoinPath(dir, "missing")));
}
