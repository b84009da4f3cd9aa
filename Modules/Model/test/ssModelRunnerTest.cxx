// Model folders and the torch-free inference API.
#include "ssError.h"
#include "ssFiles.h"
#include "ssModelFiles.h"
#include "ssModelRunner.h"
#include "ssModelTestUtilities.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>

#include <cmath>

using ss::test::MakeInputs;
using ss::test::TinyConfig;

namespace
{

class TempDir
{
public:
  TempDir()
  {
    m_Path =
      (boost::filesystem::temp_directory_path() / boost::filesystem::unique_path("ss-runner-%%%%-%%%%")).string();
    boost::filesystem::create_directories(m_Path);
  }
  ~TempDir() { boost::filesystem::remove_all(m_Path); }
  const std::string & Path() const { return m_Path; }
  std::string File(const std::string & name) const { return m_Path + "/" + name; }

private:
  std::string m_Path;
};

template<typename F>
std::string ErrorOf(F && f)
{
  try
  {
    f();
  }
  catch (const std::exception & e)
  {
    return e.what();
  }
  return "";
}

ss::PatchBatch ToBatch(const ss::net::PatchInputs & in)
{
  ss::PatchBatch b;
  b.batch = in.lr.size(0);
  b.lr = ss::ToArray(in.lr);
  b.base = ss::ToArray(in.base);
  b.lrMask = ss::ToArray(in.lrMask);
  b.cell = ss::ToArray(in.cell);
  b.tissue = ss::ToArray(in.tissue);
  return b;
}

/** A saved tiny model with scales and a graph, as training would leave it. */
ss::ModelConfig SaveTiny(const std::string & dir, ss::ModelConfig c = TinyConfig())
{
  if (c.residualScales.empty())
  {
    c.residualScales = { 0.5f, 1.0f, 1.5f, 2.0f };
  }
  torch::manual_seed(3);
  ss::net::SuperSpotNetwork net(c);
  ss::SaveModel(dir, c, *net);
  return c;
}

} // namespace

TEST(ModelFiles, SaveThenLoadGivesTheSameTensorsAndPredictions)
{
  TempDir dir;
  const ss::ModelConfig c = SaveTiny(dir.Path());
  torch::manual_seed(3);
  ss::net::SuperSpotNetwork original(c);
  original->eval();
  const ss::LoadedModel loaded = ss::LoadModel(dir.Path());
  EXPECT_EQ(loaded.config.ToJSON(), c.ToJSON());
  const auto a = original->named_parameters(true), b = loaded.network->named_parameters(true);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
  {
    EXPECT_EQ(a[i].key(), b[i].key());
    EXPECT_TRUE(torch::equal(a[i].value(), b[i].value())) << a[i].key();
  }
  // The runner's encoding of the loaded model equals the in-memory network's.
  at::set_num_threads(1); // ctest runs tests side by side on 2 cores
  const auto in = MakeInputs(c, 2, 8);
  const auto runner = ss::ModelRunner::Load(dir.Path(), "cpu", 1);
  const ss::EncodedBatch enc = runner->Encode(ToBatch(in), false);
  torch::NoGradGuard noGrad;
  const auto direct = original->Encode(in);
  EXPECT_TRUE(torch::equal(ss::ToTensor(enc.conditional.map), direct.map));
  EXPECT_TRUE(torch::equal(ss::ToTensor(enc.conditional.cellTokens), direct.cellTokens));
  EXPECT_TRUE(torch::equal(ss::ToTensor(runner->GeneGraphPrior(ToBatch(in))), original->Prior(in)));
}

TEST(ModelFiles, DamagedOrMismatchedFoldersAreRefusedByName)
{
  TempDir dir;
  ss::ModelConfig c = SaveTiny(dir.Path());
  const std::string weights = dir.File("model.safetensors");
  ss::SafeTensorsContent content = ss::ReadSafeTensors(weights);

  // A missing tensor.
  ss::SafeTensorsContent missing = content;
  const std::string removed = missing.tensors[3].name;
  missing.tensors.erase(missing.tensors.begin() + 3);
  ss::WriteSafeTensors(weights, missing);
  std::string m = ErrorOf([&] { ss::LoadModel(dir.Path()); });
  EXPECT_NE(m.find(removed), std::string::npos) << m;
  EXPECT_NE(m.find("missing"), std::string::npos) << m;

  // An unexpected tensor.
  ss::SafeTensorsContent extra = content;
  const float one = 1;
  extra.tensors.push_back(ss::SafeTensor::FromFloats("unet.extra.weight", { 1 }, &one));
  ss::WriteSafeTensors(weights, extra);
  m = ErrorOf([&] { ss::LoadModel(dir.Path()); });
  EXPECT_NE(m.find("unet.extra.weight"), std::string::npos) << m;
  EXPECT_NE(m.find("not a tensor of this model"), std::string::npos) << m;

  // A config whose architecture does not match the weights.
  ss::WriteSafeTensors(weights, content);
  c.channels = 8;
  ss::WriteJSONFileAtomically(dir.File("config.json"), c.ToJSON());
  m = ErrorOf([&] { ss::LoadModel(dir.Path()); });
  EXPECT_NE(m.find("model.safetensors"), std::string::npos) << m;
  EXPECT_NE(m.find("has shape"), std::string::npos) << m;

  // A newer format.
  nlohmann::json j = ss::ReadJSONFile(dir.File("config.json"));
  j["superspotVersion"] = "99.0.0";
  ss::WriteJSONFileAtomically(dir.File("config.json"), j);
  m = ErrorOf([&] { ss::LoadModel(dir.Path()); });
  EXPECT_NE(m.find("config.json: superspotVersion"), std::string::npos) << m;

  m = ErrorOf([&] { ss::ModelRunner::Load(dir.File("nowhere")); });
  EXPECT_NE(m.find("model folder"), std::string::npos) << m;
}

TEST(ModelRunner, DevicesThatCannotBeUsedAreErrors)
{
  TempDir dir;
  SaveTiny(dir.Path());
  std::string m = ErrorOf([&] { ss::ModelRunner::Load(dir.Path(), "tpu"); });
  EXPECT_NE(m.find("device: 'tpu'"), std::string::npos) << m;
  m = ErrorOf([&] { ss::ModelRunner::Load(dir.Path(), "cpu:1"); });
  EXPECT_NE(m.find("device"), std::string::npos) << m;
  if (!torch::cuda::is_available())
  {
    m = ErrorOf([&] { ss::ModelRunner::Load(dir.Path(), "cuda"); });
    EXPECT_NE(m.find("device: 'cuda'"), std::string::npos) << m;
    m = ErrorOf([&] { ss::ModelRunner::Load(dir.Path(), "cuda:3"); });
    EXPECT_NE(m.find("cuda:3"), std::string::npos) << m;
  }
  else
  {
    m = ErrorOf([&] { ss::ModelRunner::Load(dir.Path(), "cuda:" + std::to_string(torch::cuda::device_count())); });
    EXPECT_NE(m.find("does not exist"), std::string::npos) << m;
  }
  // Cached per folder and device.
  const auto a = ss::ModelRunner::Load(dir.Path(), "cpu", 1);
  const auto b = ss::ModelRunner::Load(dir.Path() + "/", "cpu", 1);
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(a->GetDevice(), "cpu");
}

TEST(ModelRunner, SamplingShapesSeedsAndTheInverseTransform)
{
  TempDir dir;
  const ss::ModelConfig c = SaveTiny(dir.Path());
  const auto runner = ss::ModelRunner::Load(dir.Path(), "cpu", 1);
  const auto in = MakeInputs(c, 2, 12);
  const ss::PatchBatch batch = ToBatch(in);
  const ss::EncodedBatch enc = runner->Encode(batch, false);
  EXPECT_EQ(enc.conditional.map.shape, (std::vector<std::int64_t>{ 2, c.ConditionMapChannels(), 16, 16 }));
  EXPECT_EQ(enc.conditional.cellTokens.shape, (std::vector<std::int64_t>{ 2, 16, 16 }));
  EXPECT_EQ(enc.conditional.tissueTokens.shape, (std::vector<std::int64_t>{ 2, 16, 16 }));
  EXPECT_EQ(enc.conditional.keepFraction.shape, (std::vector<std::int64_t>{ 2 }));
  EXPECT_FALSE(enc.HasUnconditional());
  const ss::FloatArray prior = runner->GeneGraphPrior(batch);
  EXPECT_EQ(prior.shape, (std::vector<std::int64_t>{ 2, 4, 16, 16 }));

  ss::SamplingOptions o;
  o.samples = 3;
  o.steps = 4;
  o.seeds = { 10, 11 };
  o.keepSamples = true;
  const ss::SampleResult r = runner->Sample(batch, enc, prior, o);
  EXPECT_EQ(r.mean.shape, (std::vector<std::int64_t>{ 2, 4, 16, 16 }));
  EXPECT_EQ(r.std.shape, (std::vector<std::int64_t>{ 2, 4, 16, 16 }));
  EXPECT_EQ(r.samples.shape, (std::vector<std::int64_t>{ 2, 3, 4, 16, 16 }));
  const torch::Tensor mean = ss::ToTensor(r.mean), sd = ss::ToTensor(r.std), all = ss::ToTensor(r.samples);
  EXPECT_TRUE((mean >= 0).all().item<bool>());
  EXPECT_GT(sd.mean().item<double>(), 0.0);
  EXPECT_TRUE(torch::allclose(all.mean(1), mean, 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(all.std(at::IntArrayRef{ 1 }, true, false), sd, 1e-4, 1e-4));

  // Same seeds, same thread count → identical; other seeds → different.
  const ss::SampleResult again = runner->Sample(batch, enc, prior, o);
  EXPECT_EQ(again.mean.data, r.mean.data);
  ss::SamplingOptions other = o;
  other.seeds = { 12, 13 };
  EXPECT_NE(runner->Sample(batch, enc, prior, other).mean.data, r.mean.data);

  // A patch's samples do not depend on which patches share its batch.
  ss::PatchBatch second = ss::PatchBatch::Zeros(c, 1);
  const std::int64_t n = 4 * 16 * 16;
  second.lr.data.assign(batch.lr.data.begin() + n, batch.lr.data.end());
  second.base.data.assign(batch.base.data.begin() + n, batch.base.data.end());
  second.lrMask.data.assign(batch.lrMask.data.begin() + 256, batch.lrMask.data.end());
  second.cell.data.assign(batch.cell.data.begin() + 3 * 32 * 32, batch.cell.data.end());
  second.tissue.data.assign(batch.tissue.data.begin() + 3 * 16 * 16, batch.tissue.data.end());
  ss::SamplingOptions single = o;
  single.seeds = { 11 };
  const ss::SampleResult alone =
    runner->Sample(second, runner->Encode(second, false), runner->GeneGraphPrior(second), single);
  EXPECT_TRUE(torch::allclose(ss::ToTensor(alone.mean)[0], mean[1], 1e-4, 1e-4));

  // Errors name the problem.
  ss::SamplingOptions bad = o;
  bad.seeds = { 1 };
  EXPECT_NE(ErrorOf([&] { runner->Sample(batch, enc, prior, bad); }).find("seeds"), std::string::npos);
  bad = o;
  bad.guidance = 2.0;
  EXPECT_NE(ErrorOf([&] { runner->Sample(batch, enc, prior, bad); }).find("withUnconditional"), std::string::npos);
  bad = o;
  bad.sampler = std::string("euler");
  EXPECT_NE(ErrorOf([&] { runner->Sample(batch, enc, prior, bad); }).find("euler"), std::string::npos);
}

TEST(ModelRunner, GivenInitialNoiseMakesDDIMSamplesIndependentOfTheSeeds)
{
  TempDir dir;
  const ss::ModelConfig c = SaveTiny(dir.Path());
  at::set_num_threads(1);
  const auto runner = ss::ModelRunner::Load(dir.Path(), "cpu", 1);
  const ss::PatchBatch batch = ToBatch(MakeInputs(c, 2, 21));
  const ss::EncodedBatch enc = runner->Encode(batch, false);
  const ss::FloatArray prior = runner->GeneGraphPrior(batch);
  ss::SamplingOptions o;
  o.samples = 2;
  o.steps = 4;
  o.seeds = { 1, 2 };
  torch::manual_seed(5);
  o.initialNoise = ss::ToArray(torch::randn({ 2, 2, 4, 16, 16 }));
  // Only base is read by Sample: the other arrays may be left out.
  ss::PatchBatch baseOnly;
  baseOnly.batch = 2;
  baseOnly.base = batch.base;
  const ss::SampleResult a = runner->Sample(baseOnly, enc, prior, o);
  ss::SamplingOptions reseeded = o;
  reseeded.seeds = { 7, 8 };
  EXPECT_EQ(runner->Sample(batch, enc, prior, reseeded).mean.data, a.mean.data)
    << "DDIM with eta 0 is a deterministic function of x_T";
  ss::SamplingOptions drawn = o;
  drawn.initialNoise = ss::FloatArray();
  EXPECT_NE(runner->Sample(batch, enc, prior, drawn).mean.data, a.mean.data);
  ss::SamplingOptions bad = o;
  bad.initialNoise = ss::FloatArray({ 2, 1, 4, 16, 16 });
  EXPECT_NE(ErrorOf([&] { runner->Sample(batch, enc, prior, bad); }).find("initialNoise"), std::string::npos);
}

TEST(ModelRunner, TinyResidualScalesGiveBackTheBaseMap)
{
  TempDir dir;
  ss::ModelConfig c = TinyConfig();
  c.residualScales = { 1e-4f, 1e-4f, 1e-4f, 1e-4f };
  SaveTiny(dir.Path(), c);
  const auto runner = ss::ModelRunner::Load(dir.Path(), "cpu", 1);
  const auto in = MakeInputs(c, 1, 3);
  const ss::PatchBatch batch = ToBatch(in);
  ss::SamplingOptions o;
  o.samples = 2;
  o.steps = 3;
  const ss::SampleResult r = runner->Sample(batch, runner->Encode(batch, false), runner->GeneGraphPrior(batch), o);
  // v = max(0, base + s·x) with |x| ≤ x0Clip = 8 → within 8e-4 of the base map.
  EXPECT_LE((ss::ToTensor(r.mean) - in.base).abs().max().item<double>(), 8e-4 + 1e-6);
}

TEST(ModelRunner, ClassifierFreeGuidanceRunsBothBranchesAndChangesTheResult)
{
  TempDir dir;
  const ss::ModelConfig c = SaveTiny(dir.Path());
  const auto runner = ss::ModelRunner::Load(dir.Path(), "cpu", 1);
  const auto in = MakeInputs(c, 2, 5);
  const ss::PatchBatch batch = ToBatch(in);
  const ss::EncodedBatch enc = runner->Encode(batch, true);
  ASSERT_TRUE(enc.HasUnconditional());
  // The unconditional encoding sees the null tokens: all cell tokens equal.
  const torch::Tensor u = ss::ToTensor(enc.unconditional.cellTokens);
  EXPECT_TRUE(torch::allclose(u[0][0], u[1][7]));
  EXPECT_FALSE(torch::equal(ss::ToTensor(enc.unconditional.map), ss::ToTensor(enc.conditional.map)));
  const ss::FloatArray prior = runner->GeneGraphPrior(batch);
  ss::SamplingOptions o;
  o.samples = 2;
  o.steps = 3;
  o.guidance = 1.0;
  const auto plain = runner->Sample(batch, enc, prior, o);
  o.guidance = 3.0;
  const auto guided = runner->Sample(batch, enc, prior, o);
  EXPECT_TRUE(torch::isfinite(ss::ToTensor(guided.mean)).all().item<bool>());
  EXPECT_NE(plain.mean.data, guided.mean.data);
  // w = 0 is the unconditional model alone: same as sampling with the unconditional encoding.
  o.guidance = 0.0;
  const auto w0 = runner->Sample(batch, enc, prior, o);
  ss::EncodedBatch onlyUncond;
  onlyUncond.batch = 2;
  onlyUncond.conditional = enc.unconditional;
  o.guidance = 1.0;
  const auto uncond = runner->Sample(batch, onlyUncond, prior, o);
  EXPECT_TRUE(torch::allclose(ss::ToTensor(w0.mean), ss::ToTensor(uncond.mean), 1e-4, 1e-4));
}

TEST(ModelRunner, RegressionIsOneDeterministicPassWithZeroSpread)
{
  at::set_num_threads(1); // ctest runs tests side by side on 2 cores
  TempDir dir;
  ss::ModelConfig c = TinyConfig();
  c.ApplyVariant("regression");
  c = SaveTiny(dir.Path(), c);
  const auto runner = ss::ModelRunner::Load(dir.Path(), "cpu", 1);
  ASSERT_TRUE(runner->GetConfig().IsRegression());
  const auto in = MakeInputs(c, 2, 14);
  const ss::PatchBatch batch = ToBatch(in);
  const ss::EncodedBatch enc = runner->Encode(batch, false);
  const ss::FloatArray prior = runner->GeneGraphPrior(batch);
  ss::SamplingOptions o;
  o.samples = 3;
  o.keepSamples = true;
  o.seeds = { 1, 2 };
  const ss::SampleResult r = runner->Sample(batch, enc, prior, o);
  ASSERT_EQ(r.samples.shape, (std::vector<std::int64_t>{ 2, 3, 4, 16, 16 }));
  const torch::Tensor mean = ss::ToTensor(r.mean), all = ss::ToTensor(r.samples);
  for (std::int64_t k = 0; k < 3; ++k)
  {
    EXPECT_TRUE(torch::equal(all.select(1, k), mean)) << k;
  }
  EXPECT_EQ(r.std.shape, r.mean.shape);
  EXPECT_TRUE((ss::ToTensor(r.std) == 0).all().item<bool>());
  EXPECT_TRUE((mean >= 0).all().item<bool>());
  EXPECT_GT((mean - in.base).abs().max().item<double>(), 1e-3) << "the prediction is only the base map";
  // No randomness: other seeds, K = 1 and another call give the same mean.
  ss::SamplingOptions one;
  one.samples = 1;
  one.seeds = { 7, 8 };
  EXPECT_EQ(runner->Sample(batch, enc, prior, one).mean.data, r.mean.data);

  // Save → load: the loaded model predicts exactly what the in-memory network does.
  torch::manual_seed(3);
  ss::net::SuperSpotNetwork original(c);
  original->eval();
  torch::NoGradGuard noGrad;
  const torch::Tensor scales = torch::tensor(c.residualScales).view({ 1, 4, 1, 1 });
  const torch::Tensor direct =
    (in.base + scales * original->Predict(original->Encode(in), original->Prior(in))).clamp_min(0);
  EXPECT_TRUE(torch::equal(mean, direct));

  // Guidance cannot apply: no unconditional branch was trained.
  ss::SamplingOptions guided = one;
  guided.guidance = 2.0;
  const std::string m = ErrorOf([&] { runner->Sample(batch, runner->Encode(batch, true), prior, guided); });
  EXPECT_NE(m.find("guidance"), std::string::npos) << m;
  EXPECT_NE(m.find("regression"), std::string::npos) << m;
}

TEST(ModelRunner, TissueTokensAloneEncodeAndSampleWithGuidance)
{
  at::set_num_threads(1);
  TempDir dir;
  ss::ModelConfig c = TinyConfig();
  c.ApplyVariant("no-dynamic-attention");
  c = SaveTiny(dir.Path(), c);
  const auto runner = ss::ModelRunner::Load(dir.Path(), "cpu", 1);
  const auto in = MakeInputs(c, 2, 15);
  const ss::PatchBatch batch = ToBatch(in);
  const ss::EncodedBatch enc = runner->Encode(batch, true);
  EXPECT_TRUE(enc.conditional.cellTokens.Empty());
  EXPECT_TRUE(enc.conditional.cellWeights.Empty());
  EXPECT_EQ(enc.conditional.tissueTokens.shape, (std::vector<std::int64_t>{ 2, 16, 16 }));
  ASSERT_TRUE(enc.HasUnconditional());
  ss::SamplingOptions o;
  o.samples = 2;
  o.steps = 3;
  o.guidance = 2.0;
  const ss::SampleResult r = runner->Sample(batch, enc, runner->GeneGraphPrior(batch), o);
  EXPECT_TRUE(torch::isfinite(ss::ToTensor(r.mean)).all().item<bool>());
  EXPECT_GT(ss::ToTensor(r.std).mean().item<double>(), 0.0);
}
