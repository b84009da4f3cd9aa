// Torch-free parts of Modules/Model: ModelConfig, safetensors files, gene statistics.
#include "ssError.h"
#include "ssGeneStatistics.h"
#include "ssModelConfig.h"
#include "ssPatchBatch.h"
#include "ssSafeTensors.h"
#include "ssVersion.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <set>

namespace
{

std::vector<std::string> Genes(int n)
{
  std::vector<std::string> g;
  for (int i = 0; i < n; ++i)
  {
    g.push_back("GENE" + std::to_string(i));
  }
  return g;
}

/** Runs f, expects an InputError whose message contains every needle. */
template<typename F>
void ExpectInputError(F && f, const std::vector<std::string> & needles)
{
  try
  {
    f();
    FAIL() << "expected an InputError";
  }
  catch (const ss::InputError & e)
  {
    const std::string m = e.what();
    for (const auto & n : needles)
    {
      EXPECT_NE(m.find(n), std::string::npos) << "'" << n << "' not in: " << m;
    }
    EXPECT_EQ(m.find('\n'), std::string::npos) << "message must be one line: " << m;
  }
}

class TempDir
{
public:
  TempDir()
  {
    m_Path = (boost::filesystem::temp_directory_path() / boost::filesystem::unique_path("ss-model-%%%%-%%%%")).string();
    boost::filesystem::create_directories(m_Path);
  }
  ~TempDir() { boost::filesystem::remove_all(m_Path); }
  std::string File(const std::string & name) const { return m_Path + "/" + name; }

private:
  std::string m_Path;
};

std::vector<std::uint8_t> ReadBytes(const std::string & path)
{
  std::ifstream in(path, std::ios::binary);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void WriteBytes(const std::string & path, const std::vector<std::uint8_t> & bytes)
{
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

/** A safetensors file from a hand-written header and data section. */
void WriteRaw(const std::string & path,
              const std::string & header,
              std::size_t dataBytes,
              std::uint64_t declaredLength = 0)
{
  std::vector<std::uint8_t> bytes(8);
  const std::uint64_t n = declaredLength ? declaredLength : header.size();
  for (int i = 0; i < 8; ++i)
  {
    bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(n >> (8 * i));
  }
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.resize(bytes.size() + dataBytes, 7);
  WriteBytes(path, bytes);
}

} // namespace

// ---------------------------------------------------------------------------
TEST(ModelConfig, JSONRoundTripKeepsEveryField)
{
  ss::ModelConfig c = ss::ModelConfig::Preset("medium", Genes(3));
  c.useDynamicAttention = false;
  c.dynamicMinFraction = 0.4;
  c.diffusion.schedule = "cosine";
  c.diffusion.target = "v";
  c.diffusion.sampler = "ddpm";
  c.diffusion.guidanceScale = 1.5;
  c.normalization.mode = "density";
  c.normalization.resolutionUm = 10;
  c.residualScales = { 0.5f, 1.25f, 2.0f };
  c.geneGraph.adjacency = { 0.5f, 0.25f, 0.f, 0.25f, 0.5f, 0.f, 0.f, 0.f, 1.f };
  const nlohmann::json j = c.ToJSON();
  const ss::ModelConfig back = ss::ModelConfig::FromJSON(nlohmann::json::parse(j.dump()));
  EXPECT_EQ(back.ToJSON(), j);
  EXPECT_EQ(back.genes, c.genes);
  EXPECT_EQ(back.patchSize, 64);
  EXPECT_FALSE(back.useDynamicAttention);
  EXPECT_EQ(back.diffusion.target, "v");
  EXPECT_EQ(back.residualScales, c.residualScales);
  EXPECT_EQ(back.geneGraph.adjacency, c.geneGraph.adjacency);
  // The graph is stored as an edge list of the non-zero entries.
  EXPECT_EQ(j["geneGraph"]["edges"].size(), 5u);
}

TEST(ModelConfig, PresetsAreValidAndSized)
{
  for (const auto & name : ss::ModelConfig::PresetNames())
  {
    const ss::ModelConfig c = ss::ModelConfig::Preset(name, Genes(25));
    EXPECT_NO_THROW(c.Validate()) << name;
  }
  const ss::ModelConfig paper = ss::ModelConfig::Preset("paper", Genes(25));
  EXPECT_EQ(paper.channels, 128);
  EXPECT_EQ(paper.resBlocks, 2);
  EXPECT_EQ(paper.NumberOfCellTokens(), 256);
  EXPECT_EQ(paper.CellImageSize() / (paper.patchSize / paper.tileBins), 16); // 16 × 16 px tiles
  EXPECT_EQ(paper.tissuePixels, 256);
  const ss::ModelConfig small = ss::ModelConfig::Preset("small", Genes(25));
  EXPECT_EQ(small.patchSize, 32);
  EXPECT_EQ(small.channels, 32);
  EXPECT_EQ(small.NumberOfLevels(), 3);
  EXPECT_EQ(small.ConditionMapChannels(), 96);
  EXPECT_EQ(small.PriorChannels(), 25);
  ExpectInputError([] { ss::ModelConfig::Preset("huge", Genes(2)); }, { "preset", "huge" });
}

TEST(ModelConfig, ValidationNamesTheField)
{
  auto c = ss::ModelConfig::Preset("small", Genes(4));
  c.patchSize = 34; // not divisible by 2^(3-1)
  ExpectInputError([&] { c.Validate("my.json"); }, { "my.json", "patchSize" });
  c = ss::ModelConfig::Preset("small", Genes(4));
  c.useHistology = false;
  ExpectInputError([&] { c.Validate(); }, { "useDisentangling", "useHistology" });
  c.useDisentangling = false;
  ExpectInputError([&] { c.Validate(); }, { "useDynamicAttention" });
  c.useDynamicAttention = false;
  EXPECT_NO_THROW(c.Validate());
  c = ss::ModelConfig::Preset("small", Genes(4));
  c.genes.push_back("GENE1");
  ExpectInputError([&] { c.Validate(); }, { "genes", "GENE1", "twice" });
  c = ss::ModelConfig::Preset("small", Genes(4));
  c.diffusion.sampler = "euler";
  ExpectInputError([&] { c.Validate(); }, { "diffusion.sampler", "euler" });
  c = ss::ModelConfig::Preset("small", Genes(4));
  c.attentionLevels = { 3 };
  ExpectInputError([&] { c.Validate(); }, { "attentionLevels" });
  // 65 levels made the 2^(levels-1) check shift by 64 bits (undefined behaviour).
  c = ss::ModelConfig::Preset("small", Genes(4));
  c.channelMults.assign(65, 1);
  ExpectInputError([&] { c.Validate(); }, { "channelMults", "65 U-Net levels; at most 16" });
  c = ss::ModelConfig::Preset("small", Genes(4));
  c.residualScales = { 1, 1, 0, 1 };
  ExpectInputError([&] { c.Validate(); }, { "residualScales" });
  c = ss::ModelConfig::Preset("small", Genes(2));
  c.geneGraph.adjacency = { 1, 0.5f, 0.f, 1 };
  ExpectInputError([&] { c.Validate(); }, { "geneGraph", "symmetric" });
}

TEST(ModelConfig, UnknownKeysAndWrongTypesAreRefused)
{
  nlohmann::json j = ss::ModelConfig::Preset("small", Genes(2)).ToJSON();
  j["denoiser"]["chanels"] = 64;
  ExpectInputError([&] { ss::ModelConfig::FromJSON(j, "cfg.json"); },
                   { "cfg.json", "denoiser.chanels", "not a model option" });
  j = ss::ModelConfig::Preset("small", Genes(2)).ToJSON();
  j["parts"]["useGeneGraph"] = "yes";
  ExpectInputError([&] { ss::ModelConfig::FromJSON(j); }, { "parts.useGeneGraph", "wrong type" });
  j = ss::ModelConfig::Preset("small", Genes(2)).ToJSON();
  j.erase("genes");
  ExpectInputError([&] { ss::ModelConfig::FromJSON(j); }, { "genes", "missing" });
  j = ss::ModelConfig::Preset("small", Genes(2)).ToJSON();
  j["geneGraph"]["edges"] = { { 0, 5, 0.5 } };
  ExpectInputError([&] { ss::ModelConfig::FromJSON(j); }, { "geneGraph.edges" });
}

TEST(ModelConfig, VersionsNewerOrOlderThanTheFormatAreRefused)
{
  nlohmann::json j = ss::ModelConfig::Preset("small", Genes(2)).ToJSON();
  EXPECT_EQ(j["superspotVersion"], SUPERSPOT_VERSION);
  j["superspotVersion"] =
    std::to_string(SUPERSPOT_VERSION_MAJOR) + "." + std::to_string(SUPERSPOT_VERSION_MINOR + 1) + ".0";
  ExpectInputError([&] { ss::ModelConfig::FromJSON(j); }, { "superspotVersion", "newer" });
  j["superspotVersion"] = "0.0.9";
  ExpectInputError([&] { ss::ModelConfig::FromJSON(j); }, { "superspotVersion", "predates" });
  j["superspotVersion"] = "one";
  ExpectInputError([&] { ss::ModelConfig::FromJSON(j); }, { "superspotVersion", "not a version" });
  // A newer patch release of the same format reads fine.
  j["superspotVersion"] =
    std::to_string(SUPERSPOT_VERSION_MAJOR) + "." + std::to_string(SUPERSPOT_VERSION_MINOR) + ".99";
  EXPECT_NO_THROW(ss::ModelConfig::FromJSON(j));
}

TEST(ModelConfig, CheckGenesListsTheMissingGenes)
{
  const auto c = ss::ModelConfig::Preset("small", { "ERBB2", "CD74", "KRT19" });
  EXPECT_NO_THROW(ss::CheckGenes(c, { "KRT19", "X", "CD74", "ERBB2" }));
  ExpectInputError([&] { ss::CheckGenes(c, { "KRT19" }, "slide C5"); },
                   { "slide C5", "2 of the model's 3 genes are missing", "ERBB2", "CD74" });
  const auto idx = ss::GeneIndices(c, { "KRT19", "X", "CD74", "ERBB2" });
  EXPECT_EQ(idx, (std::vector<std::size_t>{ 3, 2, 0 }));
}

namespace
{

/** Leaf path → value of a JSON document (objects flattened with '.', arrays as values). */
void Flatten(const nlohmann::json & j, const std::string & path, std::map<std::string, nlohmann::json> & out)
{
  if (j.is_object())
  {
    for (const auto & item : j.items())
    {
      Flatten(item.value(), path.empty() ? item.key() : path + "." + item.key(), out);
    }
    return;
  }
  out[path] = j;
}

/** The leaf paths whose values differ between a and b (or exist in one only). */
std::set<std::string> ChangedFields(const ss::ModelConfig & a, const ss::ModelConfig & b)
{
  std::map<std::string, nlohmann::json> fa, fb;
  Flatten(a.ToJSON(), "", fa);
  Flatten(b.ToJSON(), "", fb);
  std::set<std::string> changed;
  for (const auto & f : fa)
  {
    if (!fb.count(f.first) || fb.at(f.first) != f.second)
    {
      changed.insert(f.first);
    }
  }
  for (const auto & f : fb)
  {
    if (!fa.count(f.first))
    {
      changed.insert(f.first);
    }
  }
  return changed;
}

} // namespace

TEST(ModelConfig, RegressionObjectiveRoundTripsAndFilesWithoutItReadAsDiffusion)
{
  ss::ModelConfig c = ss::ModelConfig::Preset("small", Genes(3));
  EXPECT_EQ(c.objective, "diffusion");
  EXPECT_FALSE(c.IsRegression());
  c.objective = "regression";
  c.residualScales = { 0.5f, 1.25f, 2.0f };
  const nlohmann::json j = c.ToJSON();
  EXPECT_EQ(j["objective"], "regression");
  const ss::ModelConfig back = ss::ModelConfig::FromJSON(nlohmann::json::parse(j.dump()));
  EXPECT_TRUE(back.IsRegression());
  EXPECT_EQ(back.ToJSON(), j);
  // A config.json written before the key existed (same format version) is a diffusion
  // model, and one without parts.useCellTokens attends to the cell tokens.
  nlohmann::json old = j;
  old.erase("objective");
  old["parts"].erase("useCellTokens");
  const ss::ModelConfig o = ss::ModelConfig::FromJSON(old);
  EXPECT_EQ(o.objective, "diffusion");
  EXPECT_TRUE(o.useCellTokens);
  EXPECT_EQ(o.residualScales, c.residualScales);
  nlohmann::json bad = j;
  bad["objective"] = "gan";
  ExpectInputError([&] { ss::ModelConfig::FromJSON(bad, "cfg.json"); }, { "cfg.json", "objective", "gan" });
  bad["objective"] = 1;
  ExpectInputError([&] { ss::ModelConfig::FromJSON(bad); }, { "objective", "wrong type" });
}

TEST(ModelConfig, EachVariantChangesOnlyItsPart)
{
  const std::map<std::string, std::set<std::string>> expected{
    { "full", {} },
    { "regression", { "objective" } },
    { "no-disentangling", { "parts.useDisentangling" } },
    { "no-dynamic-attention", { "parts.useDynamicAttention", "parts.useCellTokens" } },
    { "no-gene-graph", { "parts.useGeneGraph" } },
    { "no-histology", { "parts.useHistology", "parts.useDisentangling", "parts.useDynamicAttention" } },
  };
  ASSERT_EQ(ss::ModelConfig::VariantNames().size(), expected.size());
  ss::ModelConfig base = ss::ModelConfig::Preset("medium", Genes(4));
  base.residualScales = { 1, 2, 3, 4 };
  base.diffusion.guidanceScale = 2.0;
  EXPECT_EQ(base.VariantName(), "full");
  for (const auto & name : ss::ModelConfig::VariantNames())
  {
    ASSERT_TRUE(expected.count(name)) << name;
    ss::ModelConfig v = base;
    v.ApplyVariant(name);
    EXPECT_EQ(ChangedFields(base, v), expected.at(name)) << name;
    EXPECT_NO_THROW(v.Validate()) << name;
    EXPECT_EQ(v.VariantName(), name);
    EXPECT_EQ(ss::ModelConfig::FromJSON(v.ToJSON()).VariantName(), name);
    // "full" brings every part back.
    v.ApplyVariant("full");
    EXPECT_TRUE(ChangedFields(base, v).empty()) << name;
  }
  // Variants compose; the combination is no single variant.
  ss::ModelConfig both = base;
  both.ApplyVariant("regression");
  both.ApplyVariant("no-gene-graph");
  EXPECT_TRUE(both.IsRegression());
  EXPECT_FALSE(both.useGeneGraph);
  EXPECT_EQ(both.VariantName(), "custom");
  ExpectInputError([&] { base.ApplyVariant("no-unet"); }, { "variant", "no-unet", "no-dynamic-attention" });
  // The dynamic selection ranks cell tokens: it cannot run without them.
  ss::ModelConfig c = base;
  c.useCellTokens = false;
  ExpectInputError([&] { c.Validate(); }, { "useDynamicAttention", "useCellTokens" });
}

TEST(PatchBatch, ZerosMatchTheModelAndValidateNamesTheArray)
{
  const auto c = ss::ModelConfig::Preset("small", Genes(5));
  ss::PatchBatch b = ss::PatchBatch::Zeros(c, 2);
  EXPECT_EQ(b.cell.shape, (std::vector<std::int64_t>{ 2, 3, 128, 128 }));
  EXPECT_EQ(b.tissue.shape, (std::vector<std::int64_t>{ 2, 3, 32, 32 }));
  EXPECT_NO_THROW(b.Validate(c));
  b.base = ss::FloatArray({ 2, 5, 32, 16 });
  ExpectInputError([&] { b.Validate(c); }, { "base", "(2, 5, 32, 16)", "(2, 5, 32, 32)" });
}

// ---------------------------------------------------------------------------
TEST(SafeTensors, RoundTripKeepsTensorsMetadataAndLayout)
{
  TempDir dir;
  ss::SafeTensorsContent c;
  c.metadata["format"] = "test";
  const std::vector<float> a{ 1.5f, -2.f, 3.25f, 0.f, 5.f, 6.f };
  c.tensors.push_back(ss::SafeTensor::FromFloats("a.weight", { 2, 3 }, a.data()));
  c.tensors.push_back(ss::SafeTensor::FromBytes("state", { 1, 2, 3 }));
  ss::SafeTensor scalar = ss::SafeTensor::FromFloats("scalar", {}, a.data());
  c.tensors.push_back(scalar);
  ss::SafeTensor i64;
  i64.name = "steps";
  i64.dtype = ss::SafeTensorDType::I64;
  i64.shape = { 1 };
  i64.data.resize(8);
  const std::int64_t v = 123456789012345;
  std::memcpy(i64.data.data(), &v, 8);
  c.tensors.push_back(i64);
  const std::string path = dir.File("x.safetensors");
  ss::WriteSafeTensors(path, c);

  const auto bytes = ReadBytes(path);
  std::uint64_t n = 0;
  for (int i = 0; i < 8; ++i)
  {
    n |= static_cast<std::uint64_t>(bytes[static_cast<std::size_t>(i)]) << (8 * i);
  }
  EXPECT_EQ(n % 8, 0u); // padded header
  const auto header = nlohmann::json::parse(std::string(bytes.begin() + 8, bytes.begin() + 8 + static_cast<long>(n)));
  EXPECT_EQ(header["a.weight"]["dtype"], "F32");
  EXPECT_EQ(header["a.weight"]["shape"], nlohmann::json::array({ 2, 3 }));
  EXPECT_EQ(header["a.weight"]["data_offsets"], nlohmann::json::array({ 0, 24 }));
  EXPECT_EQ(header["__metadata__"]["format"], "test");
  EXPECT_EQ(bytes.size(), 8 + n + 24 + 3 + 4 + 8);
  float first;
  std::memcpy(&first, &bytes[8 + n], 4);
  EXPECT_EQ(first, 1.5f); // raw little-endian data right after the header

  const ss::SafeTensorsContent back = ss::ReadSafeTensors(path);
  EXPECT_EQ(back.metadata.at("format"), "test");
  ASSERT_EQ(back.tensors.size(), 4u);
  ASSERT_NE(back.Find("a.weight"), nullptr);
  EXPECT_EQ(back.Find("a.weight")->ToFloats(), a);
  EXPECT_EQ(back.Find("state")->data, (std::vector<std::uint8_t>{ 1, 2, 3 }));
  EXPECT_TRUE(back.Find("scalar")->shape.empty());
  EXPECT_EQ(back.Find("scalar")->ToFloats(), std::vector<float>{ 1.5f });
  std::int64_t w = 0;
  std::memcpy(&w, back.Find("steps")->data.data(), 8);
  EXPECT_EQ(w, v);
  EXPECT_EQ(back.Find("nothing"), nullptr);
}

TEST(SafeTensors, TamperedTruncatedAndOversizedFilesAreRefused)
{
  TempDir dir;
  const std::string p = dir.File("bad.safetensors");
  WriteBytes(p, { 1, 2, 3 });
  ExpectInputError([&] { ss::ReadSafeTensors(p); }, { p, "header length", "truncated" });
  WriteRaw(p, "{}", 0, 1ull << 40);
  ExpectInputError([&] { ss::ReadSafeTensors(p); }, { p, "header length", "exceeds the limit" });
  WriteRaw(p, "{}", 0, 4096);
  ExpectInputError([&] { ss::ReadSafeTensors(p); }, { p, "header length", "runs past the end" });
  WriteRaw(p, "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], ", 8);
  ExpectInputError([&] { ss::ReadSafeTensors(p); }, { p, "header", "not valid JSON" });
  WriteRaw(p, R"({"a": {"dtype": "F33", "shape": [2], "data_offsets": [0, 8]}})", 8);
  ExpectInputError([&] { ss::ReadSafeTensors(p); }, { p, "a.dtype", "not a known dtype" });
  WriteRaw(p, R"({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}})", 8);
  ExpectInputError([&] { ss::ReadSafeTensors(p); }, { p, "a.data_offsets", "need 12" });
  WriteRaw(p, R"({"a": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}})", 8);
  ExpectInputError([&] { ss::ReadSafeTensors(p); }, { p, "a.shape" });
  WriteRaw(
    p,
    R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
    12);
  ExpectInputError([&] { ss::ReadSafeTensors(p); }, { p, "b.data_offsets", "overlaps" });
  WriteRaw(p, R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})", 12);
  ExpectInputError([&] { ss::ReadSafeTensors(p); }, { p, "a.data_offsets", "hole" });
  WriteRaw(p, R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})", 5);
  ExpectInputError([&] { ss::ReadSafeTensors(p); }, { p, "a.data_offsets", "truncated" });
  WriteRaw(p, R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})", 9);
  ExpectInputError([&] { ss::ReadSafeTensors(p); }, { p, "data", "belong to no tensor" });
  WriteRaw(p, R"({"a": {"dtype": "F32", "shape": [4611686018427387904, 4], "data_offsets": [0, 8]}})", 8);
  ExpectInputError([&] { ss::ReadSafeTensors(p); }, { p, "a." });
  WriteRaw(p, R"({"__metadata__": {"x": 3}})", 0);
  ExpectInputError([&] { ss::ReadSafeTensors(p); }, { p, "__metadata__.x", "not a string" });
  // A smaller header limit refuses an otherwise valid file.
  ss::SafeTensorsContent ok;
  const float one = 1.f;
  ok.tensors.push_back(ss::SafeTensor::FromFloats("x", { 1 }, &one));
  ss::WriteSafeTensors(p, ok);
  EXPECT_NO_THROW(ss::ReadSafeTensors(p));
  ExpectInputError([&] { ss::ReadSafeTensors(p, 16); }, { "exceeds the limit of 16" });
  // Chopping the last byte off a valid file is caught.
  auto bytes = ReadBytes(p);
  bytes.pop_back();
  WriteBytes(p, bytes);
  ExpectInputError([&] { ss::ReadSafeTensors(p); }, { "x.data_offsets", "truncated" });
}

TEST(SafeTensors, PickledCheckpointsAreRefusedUnread)
{
  // A PyTorch checkpoint (a zip of pickles) or a bare pickle given as the weights: their
  // first 8 bytes, read as the header length, are far beyond the limit, so nothing of them
  // is parsed, let alone run (BadInputs.md, "a model file from a stranger").
  TempDir dir;
  const std::string p = dir.File("model.safetensors");
  WriteBytes(p, { 'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0, 'a', 'r', 'c', 'h', 'i', 'v', 'e' });
  ExpectInputError([&] { ss::ReadSafeTensors(p); }, { p, "header length", "exceeds the limit" });
  WriteBytes(p, { 0x80, 0x02, '}', 'q', 0, '(', 'X', 5, 0, 0, 0, 's', 't', 'a', 't', 'e', 'q', 1, '.' });
  ExpectInputError([&] { ss::ReadSafeTensors(p); }, { p, "header length" });
}

// ---------------------------------------------------------------------------
TEST(GeneStatistics, ResidualScalesAreMaskedStandardDeviations)
{
  // 2 genes × 4 pixels; pixel 3 is masked out.
  const std::vector<float> hr{ 1, 2, 3, 100, 0, 0, 0, 100 };
  const std::vector<float> base{ 0, 0, 0, 0, 0, 0, 0, 0 };
  const std::vector<float> mask{ 1, 1, 1, 0 };
  ss::GeneStatistics s(2);
  s.Add(hr.data(), base.data(), mask.data(), 4);
  EXPECT_EQ(s.GetCount(), 3);
  const auto scales = s.ResidualScales(0.01f);
  EXPECT_NEAR(scales[0], std::sqrt(2.0 / 3.0), 1e-6);
  EXPECT_FLOAT_EQ(scales[1], 0.01f); // constant residual → the floor
}

TEST(GeneStatistics, CorrelationAndCoexpressionGraph)
{
  // Genes 0 and 1 rise together, gene 2 falls, gene 3 is noise-free constant.
  const std::int64_t n = 6;
  std::vector<float> hr;
  const float a[] = { 0, 1, 2, 3, 4, 5 };
  for (float v : a)
    hr.push_back(v);
  for (float v : a)
    hr.push_back(2 * v + 1);
  for (float v : a)
    hr.push_back(-v);
  for (int i = 0; i < n; ++i)
    hr.push_back(3);
  const std::vector<float> mask(n, 1.0f);
  ss::GeneStatistics s(4);
  s.Add(hr.data(), hr.data(), mask.data(), n);
  const auto r = s.Correlation();
  EXPECT_NEAR(r[0 * 4 + 1], 1.0, 1e-9);
  EXPECT_NEAR(r[0 * 4 + 2], -1.0, 1e-9);
  EXPECT_EQ(r[0 * 4 + 3], 0.0);
  EXPECT_EQ(r[3 * 4 + 3], 0.0);

  const auto adj = ss::ComputeCoexpressionGraph(hr.data(), mask.data(), 4, n, 2, 0.1);
  // A + I: 0–1 edge of weight 1, self-loops; degrees 2, 2, 1, 1.
  EXPECT_NEAR(adj[0 * 4 + 1], 1.0 / std::sqrt(2.0 * 2.0), 1e-6);
  EXPECT_NEAR(adj[1 * 4 + 0], adj[0 * 4 + 1], 1e-7);
  EXPECT_NEAR(adj[0 * 4 + 0], 0.5, 1e-6);
  EXPECT_EQ(adj[0 * 4 + 2], 0.0f); // negative correlation: no edge
  EXPECT_NEAR(adj[2 * 4 + 2], 1.0, 1e-6);
  EXPECT_EQ(adj[2 * 4 + 3], 0.0f);
}

TEST(GeneStatistics, TopKKeepsTheStrongestPartnersSymmetrically)
{
  // Gene 0's correlations: 0.9 with 1, 0.5 with 2, 0.2 with 3; top-1.
  std::vector<double> r{ 1, 0.9, 0.5, 0.2, 0.9, 1, 0.1, 0.1, 0.5, 0.1, 1, 0.05, 0.2, 0.1, 0.05, 1 };
  const auto adj = ss::CoexpressionAdjacency(r, 4, 1, 0.15);
  // 0–1 (top of both), 2's top is 0 (0.5) → 0–2 by symmetry, 3's top is 0 (0.2) → 0–3.
  EXPECT_GT(adj[0 * 4 + 1], 0.0f);
  EXPECT_GT(adj[0 * 4 + 2], 0.0f);
  EXPECT_GT(adj[0 * 4 + 3], 0.0f);
  EXPECT_EQ(adj[1 * 4 + 2], 0.0f);
  const double d0 = 1 + 0.9 + 0.5 + 0.2, d1 = 1 + 0.9;
  EXPECT_NEAR(adj[0 * 4 + 1], 0.9 / std::sqrt(d0 * d1), 1e-6);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j)
      EXPECT_FLOAT_EQ(adj[static_cast<std::size_t>(i * 4 + j)], adj[static_cast<std::size_t>(j * 4 + i)]);
}
