#include "ssMapScores.h"

#include <stdexcept>

namespace ss
{
namespace
{

void RequireShape(const GeneMaps & reference, const GeneMaps & maps, const char * what)
{
  if (maps.width != reference.width || maps.height != reference.height ||
      maps.NumberOfGenes() != reference.NumberOfGenes())
  {
    throw std::invalid_argument(std::string("ScoreGeneMaps: ") + what + " is " + std::to_string(maps.width) + " x " +
                                std::to_string(maps.height) + " x " + std::to_string(maps.NumberOfGenes()) +
                                " genes, the truth " + std::to_string(reference.width) + " x " +
                                std::to_string(reference.height) + " x " + std::to_string(reference.NumberOfGenes()));
  }
  for (const auto & g : maps.genes)
  {
    if (g.size() != reference.NumberOfPixels())
    {
      throw std::invalid_argument(std::string("ScoreGeneMaps: a map of ") + what + " has " + std::to_string(g.size()) +
                                  " pixels for a " + std::to_string(reference.width) + " x " +
                                  std::to_string(reference.height) + " grid");
    }
  }
}

} // namespace

MapScores ScoreGeneMaps(const GeneMaps & truth,
                        const GeneMaps & prediction,
                        const ValidityMask & scored,
                        const std::vector<GeneMaps> & samples)
{
  RequireShape(truth, truth, "the truth");
  RequireShape(truth, prediction, "the prediction");
  if (scored.size() != truth.NumberOfPixels())
  {
    throw std::invalid_argument("ScoreGeneMaps: the mask has " + std::to_string(scored.size()) + " entries for " +
                                std::to_string(truth.NumberOfPixels()) + " pixels");
  }
  for (const auto & s : samples)
  {
    RequireShape(truth, s, "a sample");
  }
  const bool calibrate = samples.size() >= 2;
  const std::size_t w = truth.width, h = truth.height;
  MapScores scores;
  for (std::size_t g = 0; g < truth.NumberOfGenes(); ++g)
  {
    const auto & t = truth.genes[g];
    const auto & p = prediction.genes[g];
    scores.pcc.push_back(PearsonCorrelation(t, p, scored));
    scores.rmse.push_back(RootMeanSquaredError(t, p, scored));
    scores.ssim.push_back(TissueSSIM(t, p, scored, w, h));
    scores.sharpness.push_back(SharpnessRatio(t, p, scored, w, h));
    if (!calibrate)
    {
      continue;
    }
    std::vector<std::vector<float>> geneSamples;
    geneSamples.reserve(samples.size());
    std::vector<double> ratios;
    for (const auto & s : samples)
    {
      geneSamples.push_back(s.genes[g]);
      ratios.push_back(SharpnessRatio(t, s.genes[g], scored, w, h));
    }
    scores.coverage.push_back(IntervalCoverage(t, geneSamples, 0.9, scored));
    scores.uncertaintySpearman.push_back(UncertaintyErrorSpearman(t, p, geneSamples, scored));
    scores.sampleSharpness.push_back(MeanIgnoringNaN(ratios).mean);
  }
  return scores;
}

void DescribeCalibrationMetrics(ResultsTable & results)
{
  results.SetMetricDescription(CoverageMetric,
                               "Fraction of truth values inside the central 90 % interval of the K samples "
                               "(numpy-linear 5th and 95th percentiles), per gene; ideal 0.90.");
  results.SetMetricDescription(UncertaintySpearmanMetric,
                               "Spearman rho between the per-pixel sample standard deviation and the absolute error "
                               "of the sample mean, per gene; > 0 when the model is less sure where it is more wrong.");
}

void AddMapScores(ResultsTable & results,
                  const std::string & group,
                  const std::string & method,
                  const std::vector<std::string> & genes,
                  const MapScores & scores)
{
  results.SetMetricDescription("pcc",
                               "Signed Pearson r between truth and prediction over the scored HR pixels, per gene.");
  results.SetMetricDescription("rmse",
                               "Root mean squared error on the log1p-normalized scale over the scored HR pixels, "
                               "per gene.");
  results.SetMetricDescription("ssim",
                               "SSIM (skimage, data_range 1, 7 × 7 uniform window) on the HR grid, both maps scaled by "
                               "the truth's min–max over the scored pixels, prediction clipped, other pixels 0, map "
                               "averaged over the scored pixels; per gene.");
  results.SetMetricDescription(SharpnessMetric,
                               "High-frequency spectral power (radius > 1/4 cycle/pixel) of the point prediction "
                               "(sample mean) ÷ that of the truth, per gene; blur shows as a ratio well below 1.");
  results.SetMetricDescription(SampleSharpnessMetric,
                               "As sharpness, for each of the K samples, averaged over the samples; per gene.");
  DescribeCalibrationMetrics(results);
  const std::pair<const char *, const std::vector<double> *> metrics[] = {
    { "pcc", &scores.pcc },
    { "rmse", &scores.rmse },
    { "ssim", &scores.ssim },
    { SharpnessMetric, &scores.sharpness },
    { CoverageMetric, &scores.coverage },
    { UncertaintySpearmanMetric, &scores.uncertaintySpearman },
    { SampleSharpnessMetric, &scores.sampleSharpness },
  };
  for (const auto & [metric, values] : metrics)
  {
    if (!values->empty())
    {
      results.AddGenes(group, method, metric, genes, *values);
    }
  }
}

} // namespace ss
