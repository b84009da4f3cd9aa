// The LibTorch networks and the diffusion maths.
#include "ssDiffusion.h"
#include "ssModelTestUtilities.h"
#include "ssNetworks.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

using ss::test::MakeInputs;
using ss::test::TinyConfig;

namespace
{

/** Gradient magnitude per parameter name after one loss.backward(). */
std::map<std::string, double> GradientNorms(ss::net::SuperSpotNetwork & net, const ss::net::PatchInputs & in)
{
  net->zero_grad();
  const std::int64_t b = in.lr.size(0);
  // Half of the batch drops the histology, so the null tokens get gradients too.
  torch::Tensor drop = torch::zeros({ b }, torch::kBool);
  drop[0] = true;
  const ss::net::Condition cond = net->Encode(in, drop);
  const torch::Tensor prior = net->Prior(in);
  const torch::Tensor xt = torch::randn_like(in.lr);
  const torch::Tensor out = net->Denoise(xt, torch::full({ b }, 10, torch::kLong), cond, prior);
  (out.pow(2).mean() + cond.disentangleLoss).backward();
  std::map<std::string, double> norms;
  for (const auto & p : net->named_parameters(true))
  {
    norms[p.key()] = p.value().grad().defined() ? p.value().grad().abs().sum().item<double>() : 0.0;
  }
  return norms;
}

/** Sum of the gradient norms of parameters whose name contains `part`; -1 if none exists. */
double PartGradient(const std::map<std::string, double> & norms, const std::string & part)
{
  double sum = -1;
  for (const auto & n : norms)
  {
    if (n.first.find(part) != std::string::npos)
    {
      sum = std::max(sum, 0.0) + n.second;
    }
  }
  return sum;
}

} // namespace

TEST(Networks, ShapesThroughEveryStage)
{
  const ss::ModelConfig c = TinyConfig();
  ss::net::SuperSpotNetwork net(c);
  const std::int64_t b = 3, g = 4, p = 16;
  const auto in = MakeInputs(c, b, 1);
  const ss::net::Condition cond = net->Encode(in);
  EXPECT_EQ(cond.map.sizes(), (std::vector<std::int64_t>{ b, c.ConditionMapChannels(), p, p }));
  EXPECT_EQ(c.ConditionMapChannels(), 24);
  EXPECT_EQ(cond.cellTokens.sizes(), (std::vector<std::int64_t>{ b, 16, 16 }));
  EXPECT_EQ(cond.tissueTokens.sizes(), (std::vector<std::int64_t>{ b, 16, 16 }));
  EXPECT_EQ(cond.cellWeights.sizes(), (std::vector<std::int64_t>{ b, 16 }));
  EXPECT_EQ(cond.keepFraction.sizes(), (std::vector<std::int64_t>{ b }));
  EXPECT_EQ(cond.disentangleLoss.dim(), 0);
  const torch::Tensor prior = net->Prior(in);
  EXPECT_EQ(prior.sizes(), (std::vector<std::int64_t>{ b, g * c.priorFeatures, p, p }));
  const torch::Tensor out = net->Denoise(torch::randn({ b, g, p, p }), torch::tensor({ 0, 50, 99 }), cond, prior);
  EXPECT_EQ(out.sizes(), (std::vector<std::int64_t>{ b, g, p, p }));
  EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
  // The K-sample expansion keeps patches together.
  const auto rep = cond.RepeatInterleave(2);
  EXPECT_EQ(rep.cellTokens.size(0), 2 * b);
  EXPECT_TRUE(torch::equal(rep.map[2], cond.map[1]));
  EXPECT_TRUE(torch::equal(rep.map[3], cond.map[1]));
}

TEST(Networks, MediumAndPaperPresetsBuildAndRunOnePatch)
{
  std::vector<std::string> genes;
  for (int i = 0; i < 25; ++i)
  {
    genes.push_back("G" + std::to_string(i));
  }
  for (const std::string preset : { "medium", "paper" })
  {
    const ss::ModelConfig c = ss::ModelConfig::Preset(preset, genes);
    ss::net::SuperSpotNetwork net(c);
    net->eval();
    torch::NoGradGuard noGrad;
    const auto in = MakeInputs(c, 1, 2);
    const auto cond = net->Encode(in);
    EXPECT_EQ(cond.cellTokens.size(1), c.NumberOfCellTokens()) << preset;
    const torch::Tensor out =
      net->Denoise(torch::randn({ 1, 25, c.patchSize, c.patchSize }), torch::tensor({ 999 }), cond, net->Prior(in));
    EXPECT_EQ(out.sizes(), (std::vector<std::int64_t>{ 1, 25, c.patchSize, c.patchSize })) << preset;
    EXPECT_TRUE(torch::isfinite(out).all().item<bool>()) << preset;
  }
  // The paper preset is the reference's size class: 128 base channels, tens of millions of weights.
  EXPECT_GT(ss::net::CountParameters(*ss::net::SuperSpotNetwork(ss::ModelConfig::Preset("paper", genes))), 20000000);
}

TEST(Networks, TileEntropyOfTheGreyLevelHistogram)
{
  const ss::ModelConfig c = TinyConfig(); // tiles of 4 bins × q = 2 → 8 × 8 px, 8 histogram bins
  ss::net::HistologyEncoder enc(c);
  torch::Tensor cell = torch::full({ 1, 3, 32, 32 }, 0.5);
  // Tile (0, 1): left half black, right half white → two equally full bins.
  cell.index_put_({ 0, torch::indexing::Slice(), torch::indexing::Slice(0, 8), torch::indexing::Slice(8, 12) }, 0.0);
  cell.index_put_({ 0, torch::indexing::Slice(), torch::indexing::Slice(0, 8), torch::indexing::Slice(12, 16) }, 1.0);
  // Tile (3, 3): eight grey levels, one per row.
  for (int r = 0; r < 8; ++r)
  {
    cell.index_put_({ 0, torch::indexing::Slice(), 24 + r, torch::indexing::Slice(24, 32) }, (r + 0.5) / 8.0);
  }
  const torch::Tensor h = enc->TileEntropy(cell);
  ASSERT_EQ(h.sizes(), (std::vector<std::int64_t>{ 1, 16 }));
  EXPECT_NEAR(h[0][0].item<double>(), 0.0, 1e-6);
  EXPECT_NEAR(h[0][1].item<double>(), std::log(2.0) / std::log(8.0), 1e-6);
  EXPECT_NEAR(h[0][15].item<double>(), 1.0, 1e-6);
}

TEST(Networks, EachAblationSwitchRemovesItsPartAndGradientsReachEachPartWhenOn)
{
  ss::ModelConfig full = TinyConfig();
  ss::net::SuperSpotNetwork net(full);
  const auto in = MakeInputs(full, 2, 3);
  const auto norms = GradientNorms(net, in);
  for (const std::string part : { "histology.cellStem",
                                  "histology.tissueStem",
                                  "histology.globalMlp",
                                  "histology.cellPosition",
                                  "expression.",
                                  "disentangling.histShared",
                                  "disentangling.exprSpecific",
                                  "disentangling.filmHist",
                                  "disentangling.filmExpr",
                                  "selector.gate",
                                  "selector.fraction",
                                  "nullCell",
                                  "nullTissue",
                                  "nullGlobal",
                                  "geneGraph.embedding",
                                  "geneGraph.prior1",
                                  "geneGraph.prior2",
                                  "geneGraph.mix1",
                                  "geneGraph.mix2",
                                  "geneGraph.alpha",
                                  "_xattn",
                                  "queryPosition",
                                  "unet.mid_xattn",
                                  "unet.midSelf",
                                  "unet.inConv",
                                  "unet.outConv" })
  {
    EXPECT_GT(PartGradient(norms, part), 0.0) << part << " gets no gradient";
  }
  const std::int64_t total = ss::net::CountParameters(*net);

  auto count = [](const ss::ModelConfig & c, const std::string & prefix)
  {
    ss::net::SuperSpotNetwork n(c);
    return std::make_pair(ss::net::CountParameters(*n), ss::net::CountParameters(*n, prefix));
  };
  ss::ModelConfig c = full;
  c.useDynamicAttention = false;
  auto r = count(c, "selector");
  EXPECT_EQ(r.second, 0);
  EXPECT_EQ(total - r.first, ss::net::CountParameters(*net, "selector"));

  c = full;
  c.useDisentangling = false;
  r = count(c, "disentangling");
  EXPECT_EQ(r.second, 0);
  EXPECT_GT(ss::net::CountParameters(*ss::net::SuperSpotNetwork(c), "fusion"), 0);

  c = full;
  c.useGeneGraph = false;
  r = count(c, "geneGraph");
  EXPECT_EQ(r.second, 0);
  EXPECT_LT(r.first, total);

  c = full;
  c.useHistology = false;
  c.useDisentangling = false;
  c.useDynamicAttention = false;
  ss::net::SuperSpotNetwork plain(c);
  for (const auto & p : plain->named_parameters(true))
  {
    EXPECT_EQ(p.key().find("histology"), std::string::npos) << p.key();
    EXPECT_EQ(p.key().find("xattn"), std::string::npos) << p.key();
    EXPECT_EQ(p.key().find("null"), std::string::npos) << p.key();
  }
  const ss::net::Condition cond = plain->Encode(in);
  EXPECT_FALSE(cond.HasTokens());
  EXPECT_EQ(cond.map.size(1), c.conditionChannels);
  // And it still trains end to end.
  const auto plainNorms = GradientNorms(plain, in);
  EXPECT_GT(PartGradient(plainNorms, "expression."), 0.0);
  EXPECT_GT(PartGradient(plainNorms, "expressionOnly"), 0.0);
}

TEST(Networks, EachNamedVariantRemovesItsPart)
{
  at::set_num_threads(1); // ctest runs tests side by side on 2 cores
  const ss::ModelConfig full = TinyConfig();
  torch::manual_seed(4);
  ss::net::SuperSpotNetwork reference(full);
  const auto in = MakeInputs(full, 2, 6);
  const std::int64_t total = ss::net::CountParameters(*reference);
  const auto params = [&](const std::string & prefix) { return ss::net::CountParameters(*reference, prefix); };
  const auto build = [&](const std::string & name)
  {
    ss::ModelConfig c = full;
    c.ApplyVariant(name);
    return ss::net::SuperSpotNetwork(c);
  };

  // "full" is the model as configured; "regression" has exactly its parameters.
  for (const std::string name : { "full", "regression" })
  {
    ss::net::SuperSpotNetwork n = build(name);
    const auto a = reference->named_parameters(true), b = n->named_parameters(true);
    ASSERT_EQ(a.size(), b.size()) << name;
    for (std::size_t i = 0; i < a.size(); ++i)
    {
      EXPECT_EQ(a[i].key(), b[i].key()) << name;
      EXPECT_EQ(a[i].value().sizes(), b[i].value().sizes()) << name << " " << a[i].key();
    }
  }

  ss::net::SuperSpotNetwork n = build("no-disentangling");
  EXPECT_EQ(ss::net::CountParameters(*n, "disentangling"), 0);
  EXPECT_GT(ss::net::CountParameters(*n, "fusion"), 0);
  EXPECT_EQ(total - params("disentangling") + ss::net::CountParameters(*n, "fusion") -
              (params("unet.inConv") - ss::net::CountParameters(*n, "unet.inConv")),
            ss::net::CountParameters(*n));

  // One fixed histology scale: no selector and no cell tokens (nor their null token);
  // the tissue tokens and the cross-attention stay.
  n = build("no-dynamic-attention");
  for (const std::string gone : { "selector", "histology.cellToken", "histology.cellPosition", "nullCell" })
  {
    EXPECT_GT(params(gone), 0) << gone;
    EXPECT_EQ(ss::net::CountParameters(*n, gone), 0) << gone;
  }
  EXPECT_EQ(total - params("selector") - params("histology.cellToken") - params("histology.cellPosition") -
              params("nullCell"),
            ss::net::CountParameters(*n));
  {
    const ss::net::Condition cond = n->Encode(in);
    EXPECT_FALSE(cond.HasCellTokens());
    EXPECT_FALSE(cond.cellWeights.defined());
    ASSERT_TRUE(cond.HasTokens());
    EXPECT_EQ(cond.tissueTokens.sizes(), (std::vector<std::int64_t>{ 2, 16, 16 }));
    const auto norms = GradientNorms(n, in);
    for (const std::string part :
         { "histology.tissueToken", "histology.cellStem", "nullTissue", "_xattn", "disentangling.filmHist" })
    {
      EXPECT_GT(PartGradient(norms, part), 0.0) << part << " gets no gradient";
    }
    // The attention sees the tissue context: another one changes the output.
    torch::NoGradGuard noGrad;
    const torch::Tensor xt = torch::randn_like(in.lr), t = torch::full({ 2 }, 10, torch::kLong);
    const torch::Tensor y = n->Denoise(xt, t, cond, n->Prior(in));
    ss::net::PatchInputs other = in;
    other.tissue = 1 - in.tissue;
    EXPECT_FALSE(torch::allclose(n->Denoise(xt, t, n->Encode(other), n->Prior(in)), y, 1e-5, 1e-5));
  }

  n = build("no-gene-graph");
  EXPECT_EQ(ss::net::CountParameters(*n, "geneGraph"), 0);
  EXPECT_EQ(total - params("geneGraph") - (params("unet.inConv") - ss::net::CountParameters(*n, "unet.inConv")),
            ss::net::CountParameters(*n));

  n = build("no-histology");
  for (const std::string gone : { "histology", "null", "selector", "disentangling", "fusion" })
  {
    EXPECT_EQ(ss::net::CountParameters(*n, gone), 0) << gone;
  }
  for (const auto & p : n->named_parameters(true))
  {
    EXPECT_EQ(p.key().find("xattn"), std::string::npos) << p.key();
  }
  EXPECT_GT(ss::net::CountParameters(*n, "expressionOnly"), 0);
  EXPECT_GT(ss::net::CountParameters(*n, "geneGraph"), 0);
}

TEST(Networks, DynamicSelectionDependsOnTheInput)
{
  const ss::ModelConfig c = TinyConfig();
  torch::manual_seed(5);
  ss::net::SuperSpotNetwork net(c);
  torch::NoGradGuard noGrad;
  auto in = MakeInputs(c, 4, 11);
  // Very different tissue contexts: flat, noise, dark, bright.
  in.tissue[0].fill_(0.5);
  in.tissue[2].mul_(0.1);
  in.tissue[3] = 1 - 0.1 * in.tissue[3];
  const ss::net::Condition cond = net->Encode(in);
  const torch::Tensor rho = cond.keepFraction;
  EXPECT_GT((rho.max() - rho.min()).item<double>(), 1e-4) << "ρ does not change with the input";
  EXPECT_TRUE((rho >= c.dynamicMinFraction).all().item<bool>());
  for (std::int64_t b = 0; b < 4; ++b)
  {
    const std::int64_t n = 16;
    const std::int64_t k = std::min<std::int64_t>(
      n, std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(rho[b].item<double>() * n))));
    EXPECT_EQ(cond.cellKeep[b].sum().item<double>(), static_cast<double>(k));
    // The kept tokens are the highest-scoring ones.
    const torch::Tensor keep = cond.cellKeep[b] > 0;
    if (k < n)
    {
      EXPECT_GE(cond.cellScores[b].masked_select(keep).min().item<double>(),
                cond.cellScores[b].masked_select(keep.logical_not()).max().item<double>());
    }
    // Dropped tokens have weight 0, kept ones σ(gate) ∈ (0, 1).
    EXPECT_TRUE((cond.cellWeights[b].masked_select(keep.logical_not()) == 0).all().item<bool>());
    EXPECT_TRUE((cond.cellWeights[b].masked_select(keep) > 0).all().item<bool>());
  }
  // Without the dynamic part every token is attended with weight 1.
  ss::ModelConfig s = c;
  s.useDynamicAttention = false;
  ss::net::SuperSpotNetwork stat(s);
  const auto cs = stat->Encode(in);
  EXPECT_TRUE((cs.cellWeights == 1).all().item<bool>());
}

TEST(Networks, CrossAttentionIgnoresZeroWeightTokensAndNormalizesWeights)
{
  torch::manual_seed(2);
  ss::net::CrossAttention attn(8, 16, 2, 16);
  torch::NoGradGuard noGrad;
  const torch::Tensor x = torch::randn({ 1, 8, 4, 4 });
  torch::Tensor tokens = torch::randn({ 1, 5, 16 });
  const torch::Tensor w = torch::tensor({ { 1.0f, 0.5f, 0.0f, 0.25f, 1.0f } });
  const torch::Tensor y = attn->forward(x, tokens, w);
  torch::Tensor changed = tokens.clone();
  changed[0][2] = 100 * torch::randn({ 16 });
  EXPECT_TRUE(torch::allclose(attn->forward(x, changed, w), y, 1e-6, 1e-6)) << "a zero-weight token changed the output";
  changed = tokens.clone();
  changed[0][1] = torch::randn({ 16 });
  EXPECT_FALSE(torch::allclose(attn->forward(x, changed, w), y, 1e-4, 1e-4));
  // Weights act relative to each other, as in softmax(logits + log w).
  EXPECT_TRUE(torch::allclose(attn->forward(x, tokens, 3 * w), y, 1e-5, 1e-5));
  EXPECT_FALSE(torch::allclose(attn->forward(x, tokens, torch::ones_like(w)), y, 1e-4, 1e-4));
}

TEST(Networks, GeneGraphPropagatesOverTheGeneAxis)
{
  ss::ModelConfig c = TinyConfig();
  c.geneGraph.adjacency = { 0.5f, 0.5f, 0, 0, 0.5f, 0.5f, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 };
  ss::net::GeneGraph graph(c);
  torch::NoGradGuard noGrad;
  const torch::Tensor x = torch::randn({ 2, 4, 3, 5, 6 });
  const torch::Tensor y = graph->Propagate(x);
  EXPECT_TRUE(torch::allclose(y.select(1, 0), 0.5 * (x.select(1, 0) + x.select(1, 1)), 1e-6, 1e-6));
  EXPECT_TRUE(torch::allclose(y.select(1, 1), y.select(1, 0), 1e-6, 1e-6));
  EXPECT_TRUE(torch::allclose(y.select(1, 2), x.select(1, 2), 1e-6, 1e-6));
  // The prior of a gene depends on its graph neighbours' LR values, not on others'.
  auto in = MakeInputs(c, 1, 4);
  const torch::Tensor p0 = graph->Prior(in.lr, in.base, in.lrMask);
  in.lr.select(1, 1).add_(1.0);
  const torch::Tensor p1 = graph->Prior(in.lr, in.base, in.lrMask);
  EXPECT_GT((p1.select(1, 0) - p0.select(1, 0)).abs().max().item<double>(), 1e-5);
  EXPECT_TRUE(torch::allclose(p1.select(1, 2), p0.select(1, 2), 1e-6, 1e-6));
  // Mix adds α·GCN(ε) with α = 0.1 at the start.
  const torch::Tensor eps = torch::randn({ 1, 4, 16, 16 });
  EXPECT_GT((graph->Mix(eps) - eps).abs().max().item<double>(), 0.0);
}

TEST(Networks, DisentanglingLossCountsOnlyPatchesWithHistology)
{
  const ss::ModelConfig c = TinyConfig();
  ss::net::SuperSpotNetwork net(c);
  torch::NoGradGuard noGrad;
  const auto in = MakeInputs(c, 2, 9);
  const auto all = net->Encode(in).disentangleLoss.item<double>();
  EXPECT_GT(all, 0.0);
  EXPECT_LT(all, 5.0); // (1 − cos) ≤ 2 plus three squared cosines ≤ 1
  EXPECT_EQ(net->Encode(in, torch::ones({ 2 }, torch::kBool)).disentangleLoss.item<double>(), 0.0);
  // Dropping histology replaces the tokens by the null tokens.
  const auto dropped = net->Encode(in, torch::tensor({ true, false }));
  EXPECT_TRUE(torch::allclose(dropped.cellTokens[0][0], dropped.cellTokens[0][5]));
  EXPECT_FALSE(torch::allclose(dropped.cellTokens[1][0], dropped.cellTokens[1][5]));
}

// ---------------------------------------------------------------------------
TEST(Diffusion, SchedulesAndTargetsInvert)
{
  ss::DiffusionConfig d;
  ss::Diffusion lin(d);
  EXPECT_NEAR(lin.Betas()[0].item<double>(), 1e-4, 1e-12);
  EXPECT_NEAR(lin.Betas()[999].item<double>(), 0.02, 1e-12);
  EXPECT_NEAR(lin.AlphasCumprod()[0].item<double>(), 1 - 1e-4, 1e-12);
  EXPECT_LT(lin.AlphasCumprod()[999].item<double>(), 1e-4);
  d.schedule = "cosine";
  ss::Diffusion cos(d);
  EXPECT_GT(cos.AlphasCumprod()[0].item<double>(), 0.999);
  EXPECT_LT(cos.AlphasCumprod()[999].item<double>(), 1e-6);
  EXPECT_TRUE((cos.AlphasCumprod().diff() < 0).all().item<bool>());

  const torch::Tensor x0 = torch::randn({ 3, 2, 4, 4 }), noise = torch::randn({ 3, 2, 4, 4 });
  const torch::Tensor t = torch::tensor({ 0, 500, 999 });
  d.schedule = "linear"; // cosine's ᾱ_999 ≈ 0 would make x0 from ε ill-conditioned in float
  for (const std::string target : { "eps", "v" })
  {
    d.target = target;
    ss::Diffusion diff(d);
    const torch::Tensor xt = diff.QSample(x0, t, noise);
    const torch::Tensor out = diff.Target(x0, noise, t);
    EXPECT_TRUE(torch::allclose(diff.PredictX0(xt, t, out), x0, 1e-3, 1e-3)) << target;
    EXPECT_TRUE(torch::allclose(diff.PredictEps(xt, t, out), noise, 1e-3, 1e-3)) << target;
  }
  const auto ts = lin.SamplingTimesteps(20);
  ASSERT_EQ(ts.size(), 20u);
  EXPECT_EQ(ts.front(), 999);
  EXPECT_EQ(ts.back(), 0);
  EXPECT_TRUE(std::is_sorted(ts.rbegin(), ts.rend()));
}

TEST(Diffusion, LossIsMaskedCharbonnierOrMSE)
{
  ss::DiffusionConfig d;
  ss::Diffusion charb(d);
  const torch::Tensor target = torch::zeros({ 1, 2, 2, 2 });
  torch::Tensor out = torch::zeros({ 1, 2, 2, 2 });
  out[0][0][0][0] = 3.0;   // valid pixel
  out[0][1][1][1] = 100.0; // masked out
  const torch::Tensor mask = torch::tensor({ 1.f, 1.f, 1.f, 0.f }).view({ 1, 1, 2, 2 });
  const double e = d.charbonnierEpsilon;
  EXPECT_NEAR(charb.Loss(out, target, mask).item<double>(), (std::sqrt(9 + e * e) + 5 * e) / 6.0, 1e-6);
  d.loss = "mse";
  EXPECT_NEAR(ss::Diffusion(d).Loss(out, target, mask).item<double>(), 9.0 / 6.0, 1e-6);
}

TEST(Diffusion, SamplersRecoverX0WithAnOracleDenoiser)
{
  ss::DiffusionConfig d;
  d.timesteps = 1000;
  const torch::Tensor x0 = torch::randn({ 2, 3, 4, 4 }).clamp(-2, 2);
  for (const std::string target : { "eps", "v" })
  {
    d.target = target;
    ss::Diffusion diff(d);
    // The oracle knows x0, so its output at x_t is the exact ε (or v).
    const auto oracle = [&](const torch::Tensor & xt, const torch::Tensor & t)
    {
      const torch::Tensor ab = diff.AlphasCumprod().index_select(0, t).to(torch::kFloat32).view({ -1, 1, 1, 1 });
      const torch::Tensor eps = (xt - ab.sqrt() * x0) / (1 - ab).sqrt();
      return target == "eps" ? eps : ab.sqrt() * eps - (1 - ab).sqrt() * x0;
    };
    for (const std::string sampler : { "ddim", "ddpm" })
    {
      std::vector<at::Generator> gens{ ss::MakeGenerator(1), ss::MakeGenerator(2) };
      ss::SamplerSettings s;
      s.sampler = sampler;
      s.steps = 10;
      s.eta = sampler == "ddim" ? 0.5 : 0.0;
      const torch::Tensor x = ss::SampleLoop(diff, oracle, gens, 1, { 3, 4, 4 }, s, torch::TensorOptions());
      EXPECT_TRUE(torch::allclose(x, x0, 1e-3, 1e-3)) << target << " " << sampler;
    }
  }
}

TEST(Diffusion, DDIMStaysOnTheTrajectoryAndDDPMMatchesTheMarginals)
{
  ss::Diffusion diff(ss::DiffusionConfig{});
  torch::manual_seed(4);
  const std::int64_t n = 40000;
  const torch::Tensor x0 = torch::full({ n, 1, 1, 1 }, 0.7);
  const torch::Tensor noise = torch::randn({ n, 1, 1, 1 });
  const torch::Tensor xt = diff.QSample(x0, torch::full({ n }, 600, torch::kLong), noise);
  // Deterministic DDIM with the exact ε moves along x_t = √ᾱ x0 + √(1−ᾱ) ε.
  const torch::Tensor ddim = diff.Step(xt, 600, 300, noise, torch::zeros_like(xt), "ddim", 0.0, 0.0);
  EXPECT_TRUE(torch::allclose(ddim, diff.QSample(x0, torch::full({ n }, 300, torch::kLong), noise), 1e-4, 1e-4));
  // DDPM's posterior step keeps the marginal q(x_300 | x0) = N(√ᾱ x0, 1 − ᾱ).
  const torch::Tensor ddpm = diff.Step(xt, 600, 300, noise, torch::randn_like(xt), "ddpm", 0.0, 0.0);
  const double ab = diff.AlphasCumprod()[300].item<double>();
  EXPECT_NEAR(ddpm.mean().item<double>(), std::sqrt(ab) * 0.7, 0.01);
  EXPECT_NEAR(ddpm.var().item<double>(), 1 - ab, 0.02 * (1 - ab));
  // DDIM with η = 1 has the DDPM posterior's variance too.
  const torch::Tensor eta1 = diff.Step(xt, 600, 300, noise, torch::randn_like(xt), "ddim", 1.0, 0.0);
  EXPECT_NEAR(eta1.var().item<double>(), 1 - ab, 0.02 * (1 - ab));
  // Clipping bounds the predicted x0.
  const torch::Tensor last = diff.Step(xt, 600, -1, noise - 50, torch::zeros_like(xt), "ddim", 0.0, 3.0);
  EXPECT_LE(last.max().item<double>(), 3.0);
}

TEST(Diffusion, PerPatchGeneratorsMakeSamplesIndependentOfBatching)
{
  ss::Diffusion diff(ss::DiffusionConfig{});
  const auto model = [](const torch::Tensor & xt, const torch::Tensor &) { return 0.5 * xt; };
  ss::SamplerSettings s;
  s.sampler = "ddpm";
  s.steps = 5;
  std::vector<at::Generator> two{ ss::MakeGenerator(7), ss::MakeGenerator(8) };
  const torch::Tensor both = ss::SampleLoop(diff, model, two, 3, { 2, 4, 4 }, s, torch::TensorOptions());
  std::vector<at::Generator> one{ ss::MakeGenerator(8) };
  const torch::Tensor alone = ss::SampleLoop(diff, model, one, 3, { 2, 4, 4 }, s, torch::TensorOptions());
  EXPECT_TRUE(torch::equal(both.slice(0, 3, 6), alone));
  EXPECT_FALSE(torch::allclose(both.slice(0, 0, 3), alone));
  // The K samples of a patch differ from each other.
  EXPECT_FALSE(torch::allclose(alone[0], alone[1]));
}

TEST(Diffusion, EMAAveragesWithWarmup)
{
  torch::nn::Linear lin(2, 1);
  torch::NoGradGuard noGrad;
  lin->weight.fill_(0.0);
  ss::ExponentialMovingAverage ema(*lin, 0.999);
  lin->weight.fill_(1.0);
  ema.Update(*lin); // d = min(0.999, 1/10) = 0.1
  torch::nn::Linear copy(2, 1);
  ema.CopyTo(*copy);
  EXPECT_NEAR(copy->weight[0][0].item<double>(), 0.9, 1e-6);
  ema.Update(*lin); // d = 2/11
  ema.CopyTo(*copy);
  EXPECT_NEAR(copy->weight[0][0].item<double>(), 1 - 0.1 * 2.0 / 11.0, 1e-6);
  EXPECT_EQ(ema.Updates(), 2);
}

TEST(Training, LossFallsWhenOverfittingAFewPatches)
{
  at::set_num_threads(1); // ctest runs tests side by side on 2 cores
  ss::ModelConfig c = TinyConfig();
  c.diffusion.timesteps = 1000;
  torch::manual_seed(0);
  ss::net::SuperSpotNetwork net(c);
  ss::Diffusion diff(c.diffusion);
  const auto in = MakeInputs(c, 3, 21);
  const torch::Tensor x0 = torch::sin(in.base * 3) + 0.3 * torch::randn_like(in.base);
  const torch::Tensor mask = torch::ones({ 3, 1, 16, 16 });
  // A fixed evaluation set of timesteps and noise.
  torch::manual_seed(99);
  const torch::Tensor evalT = torch::tensor({ 50, 300, 700 });
  const torch::Tensor evalNoise = torch::randn_like(x0);
  const auto evaluate = [&]()
  {
    torch::NoGradGuard noGrad;
    const auto cond = net->Encode(in);
    const torch::Tensor out = net->Denoise(diff.QSample(x0, evalT, evalNoise), evalT, cond, net->Prior(in));
    return diff.Loss(out, diff.Target(x0, evalNoise, evalT), mask).item<double>();
  };
  const double before = evaluate();
  torch::optim::AdamW opt(net->parameters(), torch::optim::AdamWOptions(2e-3).weight_decay(0.0));
  for (int step = 0; step < 300; ++step)
  {
    const torch::Tensor t = torch::randint(0, 1000, { 3 }, torch::kLong);
    const torch::Tensor noise = torch::randn_like(x0);
    const auto cond = net->Encode(in);
    const torch::Tensor out = net->Denoise(diff.QSample(x0, t, noise), t, cond, net->Prior(in));
    const torch::Tensor loss = diff.Loss(out, diff.Target(x0, noise, t), mask) + 0.01 * cond.disentangleLoss;
    opt.zero_grad();
    loss.backward();
    opt.step();
  }
  const double after = evaluate();
  EXPECT_LT(after, 0.5 * before) << "before " << before << ", after " << after;
}

TEST(Training, RegressionLossFallsWhenOverfittingAFewPatches)
{
  at::set_num_threads(1); // ctest runs tests side by side on 2 cores
  ss::ModelConfig c = TinyConfig();
  c.ApplyVariant("regression");
  torch::manual_seed(0);
  ss::net::SuperSpotNetwork net(c);
  ss::DiffusionConfig mse = c.diffusion;
  mse.loss = "mse";
  const ss::Diffusion diff(mse);
  const auto in = MakeInputs(c, 3, 21);
  const torch::Tensor x0 = torch::sin(in.base * 3) + 0.3 * torch::randn_like(in.base);
  torch::Tensor mask = torch::ones({ 3, 1, 16, 16 });
  mask[0][0][0][0] = 0;
  const auto evaluate = [&]()
  {
    torch::NoGradGuard noGrad;
    return diff.Loss(net->Predict(net->Encode(in), net->Prior(in)), x0, mask).item<double>();
  };
  const double before = evaluate();
  torch::optim::AdamW opt(net->parameters(), torch::optim::AdamWOptions(2e-3).weight_decay(0.0));
  for (int step = 0; step < 40; ++step)
  {
    const auto cond = net->Encode(in);
    const torch::Tensor loss = diff.Loss(net->Predict(cond, net->Prior(in)), x0, mask) + 0.01 * cond.disentangleLoss;
    opt.zero_grad();
    loss.backward();
    opt.step();
  }
  const double after = evaluate();
  EXPECT_LT(after, 0.25 * before) << "before " << before << ", after " << after;
  // Deterministic: the prediction is the U-Net of a zero map at the fixed timestep.
  torch::NoGradGuard noGrad;
  const auto cond = net->Encode(in);
  const torch::Tensor prior = net->Prior(in);
  const torch::Tensor a = net->Predict(cond, prior);
  EXPECT_TRUE(torch::equal(a, net->Predict(cond, prior)));
  EXPECT_TRUE(torch::equal(
    a,
    net->Denoise(
      torch::zeros_like(in.base), torch::full({ 3 }, ss::ModelConfig::RegressionTimestep, torch::kLong), cond, prior)));
}
