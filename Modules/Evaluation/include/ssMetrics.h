#ifndef ssMetrics_h
#define ssMetrics_h

#include "SuperSpotEvaluationExport.h"

#include <cstddef>
#include <limits>
#include <vector>

namespace ss
{

/** Metrics of docs/BENCHMARK.md, on flat float arrays.
 *
 * Conventions shared by every function here:
 * - Values are whatever scale the caller compares on (the benchmark uses the
 *   log1p-normalized scale, log1p(count / library * 1e4)).
 * - A validity mask is either empty (every entry valid) or has one entry per
 *   value, non-zero = valid. Entries outside the mask are ignored entirely.
 * - Images are row-major, `width` columns by `height` rows: pixel (column c,
 *   row r) is at [r * width + c].
 * - A metric that is undefined for its input (constant truth, too few entries)
 *   returns NaN. Callers keep the NaN in the per-gene results; the aggregation
 *   (MeanIgnoringNaN, ResultsTable) leaves it out of every mean and counts it,
 *   and the results tables print that count, so an undefined metric is never
 *   averaged as a number nor silently dropped.
 * - Mismatched lengths and non-finite valid values are programming errors or
 *   broken predictions, not undefined metrics: they throw std::invalid_argument.
 */
using ValidityMask = std::vector<unsigned char>;

constexpr double NotANumber = std::numeric_limits<double>::quiet_NaN();

// --- point-wise agreement -------------------------------------------------

/** Signed Pearson r between truth and prediction over the valid entries (never |r|).
 * NaN when fewer than 2 entries are valid, or when truth or prediction takes one
 * single value on them (zero variance: r is undefined; tested by exact equality of
 * the values, not by a variance threshold, so a near-constant map still gets its r). */
SuperSpotEvaluation_EXPORT double PearsonCorrelation(const std::vector<float> & truth,
                                                     const std::vector<float> & prediction,
                                                     const ValidityMask & valid = {});

/** sqrt(mean((prediction - truth)^2)) over the valid entries; NaN when none is valid. */
SuperSpotEvaluation_EXPORT double RootMeanSquaredError(const std::vector<float> & truth,
                                                       const std::vector<float> & prediction,
                                                       const ValidityMask & valid = {});

/** Ranks 1..n of `values`, tied values sharing the average of their ranks
 * (scipy.stats.rankdata's "average" method). */
SuperSpotEvaluation_EXPORT std::vector<double> AverageRanks(const std::vector<double> & values);

/** Spearman rho: Pearson r of the average ranks of the valid entries. NaN in the
 * same cases as PearsonCorrelation (fewer than 2 entries, or either side constant). */
SuperSpotEvaluation_EXPORT double SpearmanCorrelation(const std::vector<float> & a,
                                                      const std::vector<float> & b,
                                                      const ValidityMask & valid = {});

// --- SSIM -------------------------------------------------------------------

/** Parameters of skimage.metrics.structural_similarity (skimage 0.19), with the
 * defaults the benchmark uses: data_range=1, win_size=7, uniform (not Gaussian)
 * window, use_sample_covariance=True, K1=0.01, K2=0.03. */
struct SuperSpotEvaluation_EXPORT SSIMParameters
{
  unsigned int windowSize = 7; ///< odd side of the uniform window, pixels
  double dataRange = 1.0;      ///< L in C1 = (K1 L)^2, C2 = (K2 L)^2
  double k1 = 0.01;
  double k2 = 0.03;
  bool sampleCovariance = true; ///< (co)variances times N/(N-1), N = windowSize^2
};

/** What skimage.metrics.structural_similarity(im1, im2, full=True) returns. */
struct SuperSpotEvaluation_EXPORT SSIMResult
{
  /** The full SSIM map S, same shape as the images. Local means and (co)variances
   * are scipy.ndimage.uniform_filter's, whose default boundary mode 'reflect'
   * mirrors the image about its edge including the edge pixel (d c b a | a b c d),
   * so border pixels have a value computed from mirrored neighbours; nothing is cropped. */
  std::vector<double> map;
  /** skimage's mssim: mean of `map` after cropping (windowSize - 1) / 2 pixels from
   * every edge (the map pixels whose window needs no mirroring). */
  double mean = NotANumber;
};

/** skimage 0.19's structural_similarity(image1, image2, win_size, data_range, K1, K2,
 * use_sample_covariance, full=True) on two width x height images, in double precision
 * (skimage's float64 path). Throws std::invalid_argument when the sizes disagree,
 * the window is even, or either side of the image is smaller than the window
 * (skimage raises ValueError then). */
SuperSpotEvaluation_EXPORT SSIMResult StructuralSimilarity(const std::vector<double> & image1,
                                                           const std::vector<double> & image2,
                                                           std::size_t width,
                                                           std::size_t height,
                                                           const SSIMParameters & parameters = {});

/** The benchmark's SSIM of one gene map (BENCHMARK.md, protocol 1): truth and
 * prediction are width x height images (e.g. the HR array grid); `tissue` marks
 * the measured pixels (required, one entry per pixel). Both images are scaled by
 * the truth's min-max over tissue to [0, 1] (the prediction then clipped to [0, 1]),
 * non-tissue pixels are set to 0 in both, StructuralSimilarity(...).map is computed
 * and averaged over the tissue pixels.
 * NaN when the truth is constant over tissue (the min-max scaling is undefined),
 * when no pixel is tissue, or when the image is smaller than the window. */
SuperSpotEvaluation_EXPORT double TissueSSIM(const std::vector<float> & truth,
                                             const std::vector<float> & prediction,
                                             const ValidityMask & tissue,
                                             std::size_t width,
                                             std::size_t height,
                                             const SSIMParameters & parameters = {});

// --- uncertainty calibration ------------------------------------------------

/** The p-quantile (0 <= p <= 1) of `values` as numpy.quantile's default ('linear',
 * Hyndman & Fan type 7): sort, h = (n - 1) p, q = v[floor h] + (h - floor h)
 * (v[floor h + 1] - v[floor h]). Throws std::invalid_argument on empty input or p
 * outside [0, 1]. */
SuperSpotEvaluation_EXPORT double Quantile(std::vector<double> values, double p);

/** Fraction of valid truth values inside the central `level` interval of their
 * samples: [Quantile(s, (1 - level) / 2), Quantile(s, (1 + level) / 2)], both ends
 * included, where s are the K samples of that entry. `samples` is K x n (samples[k][i]
 * = sample k of entry i), K >= 2. NaN when no entry is valid. Ideal: `level`. */
SuperSpotEvaluation_EXPORT double IntervalCoverage(const std::vector<float> & truth,
                                                   const std::vector<std::vector<float>> & samples,
                                                   double level = 0.9,
                                                   const ValidityMask & valid = {});

/** Per-entry sample standard deviation over K >= 2 samples (K x n), with the
 * (K - 1) denominator (numpy std(ddof=1)). */
SuperSpotEvaluation_EXPORT std::vector<float> SampleStandardDeviation(const std::vector<std::vector<float>> & samples);

/** Spearman rho between the per-entry sample standard deviation of `samples` and the
 * absolute error |prediction - truth| of the point prediction (typically the sample
 * mean). Positive when the model is less certain where it is more wrong. Ranks are
 * unchanged by the ddof of the standard deviation, so this is the same with ddof = 0. */
SuperSpotEvaluation_EXPORT double UncertaintyErrorSpearman(const std::vector<float> & truth,
                                                           const std::vector<float> & prediction,
                                                           const std::vector<std::vector<float>> & samples,
                                                           const ValidityMask & valid = {});

// --- sharpness ----------------------------------------------------------------

/** Smallest m >= max(n, 1) whose only prime factors are 2, 3 and 5 (sizes vnl's FFT takes). */
SuperSpotEvaluation_EXPORT std::size_t NextFFTSize(std::size_t n);

/** High-frequency part of a map's mean square, in the map's units squared.
 *
 * The map is cropped to the bounding box of the tissue pixels (`tissue` required, one
 * entry per pixel); non-tissue pixels inside the box take the mean of the tissue
 * pixels and that mean is subtracted, so the box has zero mean and the tissue edge
 * adds no artificial step. The box is zero-padded (i.e. extended with more of that
 * mean) at its high-index ends to NextFFTSize of each side, and F = its unnormalized
 * 2D DFT (vnl_fft_2d, ITK's bundled VNL: Debian's ITK has its FFT filters built on
 * FFTW, whose development files are not a SuperSpot dependency). With frequencies
 * f = k / N cycles/pixel per axis (k in [-N/2, N/2), N the padded side) and radius
 * rho = |(fx, fy)|, the result is
 *     sum_{rho > 1/4} |F|^2 / (N_padded_pixels * N_box_pixels),
 * normalized so that the sum over all frequencies would be the mean square over
 * the box (Parseval): the part above half the Nyquist radius (Nyquist = 1/2
 * cycle/pixel). A +-1 checkerboard gives 1; a smooth ramp almost 0.
 * NaN when no pixel is tissue. */
SuperSpotEvaluation_EXPORT double HighFrequencyPower(const std::vector<float> & image,
                                                     const ValidityMask & tissue,
                                                     std::size_t width,
                                                     std::size_t height);

/** HighFrequencyPower(prediction) / HighFrequencyPower(truth) on the same tissue:
 * exactly 1 for the truth itself, below 1 for a blurred (mode-collapsed) prediction.
 * NaN when the truth has no high-frequency power. */
SuperSpotEvaluation_EXPORT double SharpnessRatio(const std::vector<float> & truth,
                                                 const std::vector<float> & prediction,
                                                 const ValidityMask & tissue,
                                                 std::size_t width,
                                                 std::size_t height);

// --- aggregation -------------------------------------------------------------

/** Mean and spread of the finite values; NaNs are excluded and counted. */
struct SuperSpotEvaluation_EXPORT MeanSummary
{
  double mean = NotANumber;   ///< NaN when no value is finite
  double spread = NotANumber; ///< sample standard deviation (n - 1); NaN with fewer than 2 values
  std::size_t used = 0;       ///< finite values averaged
  std::size_t excluded = 0;   ///< NaN values left out
};

/** Mean over the non-NaN values, counting the NaNs it leaves out. Infinite values
 * are not "undefined metrics": they throw std::invalid_argument. */
SuperSpotEvaluation_EXPORT MeanSummary MeanIgnoringNaN(const std::vector<double> & values);

} // namespace ss

#endif
