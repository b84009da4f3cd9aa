#include "ssMetrics.h"

#include "itkBoxMeanImageFilter.h"
#include "itkImage.h"
#include "itkImageRegionConstIteratorWithIndex.h"
#include "itkMirrorPadImageFilter.h"
#include "vnl/algo/vnl_fft_2d.h"
#include "vnl/vnl_matrix.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numeric>
#include <stdexcept>
#include <string>

namespace ss
{
namespace
{

using DoubleImageType = itk::Image<double, 2>;

void RequireSameLength(std::size_t a, std::size_t b, const char * what)
{
  if (a != b)
  {
    throw std::invalid_argument(std::string(what) + ": lengths differ (" + std::to_string(a) + " vs " +
                                std::to_string(b) + ")");
  }
}

void RequireMask(const ValidityMask & valid, std::size_t n, const char * what)
{
  if (!valid.empty() && valid.size() != n)
  {
    throw std::invalid_argument(std::string(what) + ": the validity mask has " + std::to_string(valid.size()) +
                                " entries for " + std::to_string(n) + " values");
  }
}

bool IsValid(const ValidityMask & valid, std::size_t i)
{
  return valid.empty() || valid[i] != 0;
}

void RequireFinite(float v, const char * what, std::size_t i)
{
  if (!std::isfinite(v))
  {
    throw std::invalid_argument(std::string(what) + ": value " + std::to_string(v) + " at entry " + std::to_string(i) +
                                " is not finite");
  }
}

/** Valid entries of a and b as doubles, with the length, mask and finiteness checks. */
void CollectValidPairs(const std::vector<float> & a,
                       const std::vector<float> & b,
                       const ValidityMask & valid,
                       const char * what,
                       std::vector<double> & outA,
                       std::vector<double> & outB)
{
  RequireSameLength(a.size(), b.size(), what);
  RequireMask(valid, a.size(), what);
  outA.clear();
  outB.clear();
  for (std::size_t i = 0; i < a.size(); ++i)
  {
    if (!IsValid(valid, i))
    {
      continue;
    }
    RequireFinite(a[i], what, i);
    RequireFinite(b[i], what, i);
    outA.push_back(a[i]);
    outB.push_back(b[i]);
  }
}

bool IsConstant(const std::vector<double> & v)
{
  return std::all_of(v.begin(), v.end(), [&](double x) { return x == v.front(); });
}

/** Pearson r of two equally long double vectors; NaN if undefined. Two passes
 * (centre first) so large offsets do not cancel away the covariance. */
double Pearson(const std::vector<double> & a, const std::vector<double> & b)
{
  const std::size_t n = a.size();
  if (n < 2 || IsConstant(a) || IsConstant(b))
  {
    return NotANumber;
  }
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / static_cast<double>(n);
  const double mb = std::accumulate(b.begin(), b.end(), 0.0) / static_cast<double>(n);
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < n; ++i)
  {
    const double da = a[i] - ma;
    const double db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa <= 0 || sbb <= 0)
  {
    return NotANumber;
  }
  // Rounding can push |r| a hair past 1 for perfectly (anti)correlated data.
  return std::clamp(sab / std::sqrt(saa * sbb), -1.0, 1.0);
}

DoubleImageType::Pointer MakeImage(const std::vector<double> & values, std::size_t width, std::size_t height)
{
  auto image = DoubleImageType::New();
  DoubleImageType::RegionType region;
  region.SetSize(0, width);
  region.SetSize(1, height);
  image->SetRegions(region);
  image->Allocate();
  std::copy(values.begin(), values.end(), image->GetBufferPointer());
  return image;
}

/** scipy.ndimage.uniform_filter(image, size=2r+1) with its default mode 'reflect':
 * ITK's MirrorPadImageFilter repeats the edge pixel as scipy's 'reflect' does
 * (d c b a | a b c d), then BoxMeanImageFilter averages windows that the padding
 * keeps entirely inside the image. Valid while r < the image side (one reflection). */
std::vector<double> UniformFilterReflect(const DoubleImageType * image, unsigned int radius)
{
  using PadType = itk::MirrorPadImageFilter<DoubleImageType, DoubleImageType>;
  using BoxType = itk::BoxMeanImageFilter<DoubleImageType, DoubleImageType>;
  auto pad = PadType::New();
  pad->SetInput(image);
  DoubleImageType::SizeType bound;
  bound.Fill(radius);
  pad->SetPadLowerBound(bound);
  pad->SetPadUpperBound(bound);
  auto box = BoxType::New();
  box->SetInput(pad->GetOutput());
  BoxType::RadiusType r;
  r.Fill(radius);
  box->SetRadius(r);
  const auto region = image->GetLargestPossibleRegion();
  box->GetOutput()->SetRequestedRegion(region);
  box->Update();
  std::vector<double> out;
  out.reserve(region.GetNumberOfPixels());
  itk::ImageRegionConstIteratorWithIndex<DoubleImageType> it(box->GetOutput(), region);
  for (it.GoToBegin(); !it.IsAtEnd(); ++it)
  {
    out.push_back(it.Get());
  }
  return out;
}

} // namespace

std::size_t NextFFTSize(std::size_t n)
{
  for (std::size_t m = std::max<std::size_t>(n, 1);; ++m)
  {
    std::size_t rest = m;
    for (std::size_t p : { 2, 3, 5 })
    {
      while (rest % p == 0)
      {
        rest /= p;
      }
    }
    if (rest == 1)
    {
      return m;
    }
  }
}

double PearsonCorrelation(const std::vector<float> & truth,
                          const std::vector<float> & prediction,
                          const ValidityMask & valid)
{
  std::vector<double> t, p;
  CollectValidPairs(truth, prediction, valid, "PearsonCorrelation", t, p);
  return Pearson(t, p);
}

double RootMeanSquaredError(const std::vector<float> & truth,
                            const std::vector<float> & prediction,
                            const ValidityMask & valid)
{
  std::vector<double> t, p;
  CollectValidPairs(truth, prediction, valid, "RootMeanSquaredError", t, p);
  if (t.empty())
  {
    return NotANumber;
  }
  double sum = 0;
  for (std::size_t i = 0; i < t.size(); ++i)
  {
    sum += (p[i] - t[i]) * (p[i] - t[i]);
  }
  return std::sqrt(sum / static_cast<double>(t.size()));
}

std::vector<double> AverageRanks(const std::vector<double> & values)
{
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{ 0 });
  std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return values[i] < values[j]; });
  std::vector<double> ranks(values.size());
  for (std::size_t start = 0; start < order.size();)
  {
    std::size_t end = start + 1;
    while (end < order.size() && values[order[end]] == values[order[start]])
    {
      ++end;
    }
    // Ranks start+1 .. end share their mean.
    const double rank = 0.5 * static_cast<double>(start + 1 + end);
    for (std::size_t k = start; k < end; ++k)
    {
      ranks[order[k]] = rank;
    }
    start = end;
  }
  return ranks;
}

double SpearmanCorrelation(const std::vector<float> & a, const std::vector<float> & b, const ValidityMask & valid)
{
  std::vector<double> va, vb;
  CollectValidPairs(a, b, valid, "SpearmanCorrelation", va, vb);
  return Pearson(AverageRanks(va), AverageRanks(vb));
}

SSIMResult StructuralSimilarity(const std::vector<double> & image1,
                                const std::vector<double> & image2,
                                std::size_t width,
                                std::size_t height,
                                const SSIMParameters & parameters)
{
  const std::size_t n = width * height;
  RequireSameLength(image1.size(), n, "StructuralSimilarity (image 1 vs width x height)");
  RequireSameLength(image2.size(), n, "StructuralSimilarity (image 2 vs width x height)");
  const unsigned int win = parameters.windowSize;
  if (win % 2 != 1)
  {
    throw std::invalid_argument("StructuralSimilarity: the window size must be odd, not " + std::to_string(win));
  }
  if (width < win || height < win)
  {
    throw std::invalid_argument("StructuralSimilarity: a " + std::to_string(width) + " x " + std::to_string(height) +
                                " image is smaller than the " + std::to_string(win) + " x " + std::to_string(win) +
                                " window");
  }
  const unsigned int radius = (win - 1) / 2;

  std::vector<double> xx(n), yy(n), xy(n);
  for (std::size_t i = 0; i < n; ++i)
  {
    xx[i] = image1[i] * image1[i];
    yy[i] = image2[i] * image2[i];
    xy[i] = image1[i] * image2[i];
  }
  const auto ux = UniformFilterReflect(MakeImage(image1, width, height), radius);
  const auto uy = UniformFilterReflect(MakeImage(image2, width, height), radius);
  const auto uxx = UniformFilterReflect(MakeImage(xx, width, height), radius);
  const auto uyy = UniformFilterReflect(MakeImage(yy, width, height), radius);
  const auto uxy = UniformFilterReflect(MakeImage(xy, width, height), radius);

  const double np = static_cast<double>(win) * static_cast<double>(win);
  const double covNorm = parameters.sampleCovariance ? np / (np - 1) : 1.0;
  const double c1 = (parameters.k1 * parameters.dataRange) * (parameters.k1 * parameters.dataRange);
  const double c2 = (parameters.k2 * parameters.dataRange) * (parameters.k2 * parameters.dataRange);

  SSIMResult result;
  result.map.resize(n);
  double croppedSum = 0;
  std::size_t croppedCount = 0;
  for (std::size_t r = 0; r < height; ++r)
  {
    for (std::size_t c = 0; c < width; ++c)
    {
      const std::size_t i = r * width + c;
      // Same expression order as skimage, so the rounding matches as well as it can.
      const double vx = covNorm * (uxx[i] - ux[i] * ux[i]);
      const double vy = covNorm * (uyy[i] - uy[i] * uy[i]);
      const double vxy = covNorm * (uxy[i] - ux[i] * uy[i]);
      const double a1 = 2 * ux[i] * uy[i] + c1;
      const double a2 = 2 * vxy + c2;
      const double b1 = ux[i] * ux[i] + uy[i] * uy[i] + c1;
      const double b2 = vx + vy + c2;
      result.map[i] = (a1 * a2) / (b1 * b2);
      if (r >= radius && r < height - radius && c >= radius && c < width - radius)
      {
        croppedSum += result.map[i];
        ++croppedCount;
      }
    }
  }
  result.mean = croppedSum / static_cast<double>(croppedCount);
  return result;
}

double TissueSSIM(const std::vector<float> & truth,
                  const std::vector<float> & prediction,
                  const ValidityMask & tissue,
                  std::size_t width,
                  std::size_t height,
                  const SSIMParameters & parameters)
{
  const std::size_t n = width * height;
  RequireSameLength(truth.size(), n, "TissueSSIM (truth vs width x height)");
  RequireSameLength(prediction.size(), n, "TissueSSIM (prediction vs width x height)");
  RequireSameLength(tissue.size(), n, "TissueSSIM (tissue mask vs width x height)");
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  std::size_t tissuePixels = 0;
  for (std::size_t i = 0; i < n; ++i)
  {
    if (tissue[i])
    {
      RequireFinite(truth[i], "TissueSSIM (truth)", i);
      RequireFinite(prediction[i], "TissueSSIM (prediction)", i);
      lo = std::min(lo, static_cast<double>(truth[i]));
      hi = std::max(hi, static_cast<double>(truth[i]));
      ++tissuePixels;
    }
  }
  if (tissuePixels == 0 || !(hi > lo) || width < parameters.windowSize || height < parameters.windowSize)
  {
    return NotANumber;
  }
  std::vector<double> t(n, 0.0), p(n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
  {
    if (tissue[i])
    {
      t[i] = (truth[i] - lo) / (hi - lo);
      p[i] = std::clamp((prediction[i] - lo) / (hi - lo), 0.0, 1.0);
    }
  }
  const auto ssim = StructuralSimilarity(t, p, width, height, parameters);
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i)
  {
    if (tissue[i])
    {
      sum += ssim.map[i];
    }
  }
  return sum / static_cast<double>(tissuePixels);
}

double Quantile(std::vector<double> values, double p)
{
  if (values.empty())
  {
    throw std::invalid_argument("Quantile: no values");
  }
  if (!(p >= 0 && p <= 1))
  {
    throw std::invalid_argument("Quantile: p = " + std::to_string(p) + " is outside [0, 1]");
  }
  std::sort(values.begin(), values.end());
  const double h = static_cast<double>(values.size() - 1) * p;
  const auto lower = static_cast<std::size_t>(std::floor(h));
  if (lower + 1 >= values.size())
  {
    return values.back();
  }
  const double frac = h - static_cast<double>(lower);
  return values[lower] + frac * (values[lower + 1] - values[lower]);
}

namespace
{
void RequireSamples(const std::vector<std::vector<float>> & samples, std::size_t n, const char * what)
{
  if (samples.size() < 2)
  {
    throw std::invalid_argument(std::string(what) + ": needs at least 2 samples, got " +
                                std::to_string(samples.size()));
  }
  for (const auto & s : samples)
  {
    RequireSameLength(s.size(), n, what);
  }
}
} // namespace

double IntervalCoverage(const std::vector<float> & truth,
                        const std::vector<std::vector<float>> & samples,
                        double level,
                        const ValidityMask & valid)
{
  if (!(level > 0 && level < 1))
  {
    throw std::invalid_argument("IntervalCoverage: level = " + std::to_string(level) + " is outside (0, 1)");
  }
  RequireSamples(samples, truth.size(), "IntervalCoverage");
  RequireMask(valid, truth.size(), "IntervalCoverage");
  const double pLow = (1 - level) / 2;
  const double pHigh = (1 + level) / 2;
  std::vector<double> s(samples.size());
  std::size_t inside = 0, total = 0;
  for (std::size_t i = 0; i < truth.size(); ++i)
  {
    if (!IsValid(valid, i))
    {
      continue;
    }
    RequireFinite(truth[i], "IntervalCoverage (truth)", i);
    for (std::size_t k = 0; k < samples.size(); ++k)
    {
      RequireFinite(samples[k][i], "IntervalCoverage (sample)", i);
      s[k] = samples[k][i];
    }
    const double lo = Quantile(s, pLow);
    const double hi = Quantile(s, pHigh);
    inside += (truth[i] >= lo && truth[i] <= hi) ? 1 : 0;
    ++total;
  }
  return total == 0 ? NotANumber : static_cast<double>(inside) / static_cast<double>(total);
}

std::vector<float> SampleStandardDeviation(const std::vector<std::vector<float>> & samples)
{
  if (samples.empty())
  {
    throw std::invalid_argument("SampleStandardDeviation: needs at least 2 samples, got 0");
  }
  const std::size_t n = samples.front().size();
  RequireSamples(samples, n, "SampleStandardDeviation");
  const double k = static_cast<double>(samples.size());
  std::vector<float> sd(n);
  for (std::size_t i = 0; i < n; ++i)
  {
    double mean = 0;
    for (const auto & s : samples)
    {
      mean += s[i];
    }
    mean /= k;
    double ss = 0;
    for (const auto & s : samples)
    {
      ss += (s[i] - mean) * (s[i] - mean);
    }
    sd[i] = static_cast<float>(std::sqrt(ss / (k - 1)));
  }
  return sd;
}

double UncertaintyErrorSpearman(const std::vector<float> & truth,
                                const std::vector<float> & prediction,
                                const std::vector<std::vector<float>> & samples,
                                const ValidityMask & valid)
{
  RequireSameLength(truth.size(), prediction.size(), "UncertaintyErrorSpearman");
  RequireSamples(samples, truth.size(), "UncertaintyErrorSpearman");
  const auto sd = SampleStandardDeviation(samples);
  std::vector<float> error(truth.size());
  for (std::size_t i = 0; i < truth.size(); ++i)
  {
    error[i] = std::fabs(prediction[i] - truth[i]);
  }
  return SpearmanCorrelation(sd, error, valid);
}

double HighFrequencyPower(const std::vector<float> & image,
                          const ValidityMask & tissue,
                          std::size_t width,
                          std::size_t height)
{
  RequireSameLength(image.size(), width * height, "HighFrequencyPower (image vs width x height)");
  RequireSameLength(tissue.size(), width * height, "HighFrequencyPower (tissue mask vs width x height)");
  std::size_t c0 = width, c1 = 0, r0 = height, r1 = 0, count = 0;
  double mean = 0;
  for (std::size_t r = 0; r < height; ++r)
  {
    for (std::size_t c = 0; c < width; ++c)
    {
      const std::size_t i = r * width + c;
      if (tissue[i])
      {
        RequireFinite(image[i], "HighFrequencyPower", i);
        c0 = std::min(c0, c);
        c1 = std::max(c1, c);
        r0 = std::min(r0, r);
        r1 = std::max(r1, r);
        mean += image[i];
        ++count;
      }
    }
  }
  if (count == 0)
  {
    return NotANumber;
  }
  mean /= static_cast<double>(count);
  const std::size_t boxWidth = c1 - c0 + 1;
  const std::size_t boxHeight = r1 - r0 + 1;
  std::vector<double> box(boxWidth * boxHeight, 0.0);
  for (std::size_t r = r0; r <= r1; ++r)
  {
    for (std::size_t c = c0; c <= c1; ++c)
    {
      const std::size_t i = r * width + c;
      box[(r - r0) * boxWidth + (c - c0)] = tissue[i] ? image[i] - mean : 0.0;
    }
  }

  // vnl's FFT (ITK's bundled VNL) takes sizes of the form 2^a 3^b 5^c: pad with
  // zeros, i.e. with more of the tissue mean, which the mean removal made 0.
  const std::size_t paddedWidth = NextFFTSize(boxWidth);
  const std::size_t paddedHeight = NextFFTSize(boxHeight);
  vnl_matrix<std::complex<double>> spectrum(
    static_cast<unsigned int>(paddedHeight), static_cast<unsigned int>(paddedWidth), std::complex<double>(0.0, 0.0));
  for (std::size_t r = 0; r < boxHeight; ++r)
  {
    for (std::size_t c = 0; c < boxWidth; ++c)
    {
      spectrum(static_cast<unsigned int>(r), static_cast<unsigned int>(c)) = box[r * boxWidth + c];
    }
  }
  vnl_fft_2d<double> fft(static_cast<int>(paddedHeight), static_cast<int>(paddedWidth));
  fft.fwd_transform(spectrum);

  auto frequency = [](std::size_t k, std::size_t n)
  {
    // DFT bin k is frequency k/n cycles/pixel, or (k - n)/n above n/2.
    const auto kd = static_cast<double>(k);
    const auto nd = static_cast<double>(n);
    return (2 * kd < nd ? kd : kd - nd) / nd;
  };
  double high = 0;
  for (std::size_t r = 0; r < paddedHeight; ++r)
  {
    const double fy = frequency(r, paddedHeight);
    for (std::size_t c = 0; c < paddedWidth; ++c)
    {
      const double fx = frequency(c, paddedWidth);
      if (fx * fx + fy * fy > 0.25 * 0.25)
      {
        high += std::norm(spectrum(static_cast<unsigned int>(r), static_cast<unsigned int>(c)));
      }
    }
  }
  // Parseval: sum over all bins of |F|^2 = paddedPixels * sum of squares, so this
  // normalization makes the sum over all bins the mean square over the box.
  const double paddedPixels = static_cast<double>(paddedWidth) * static_cast<double>(paddedHeight);
  const double boxPixels = static_cast<double>(boxWidth) * static_cast<double>(boxHeight);
  return high / (paddedPixels * boxPixels);
}

double SharpnessRatio(const std::vector<float> & truth,
                      const std::vector<float> & prediction,
                      const ValidityMask & tissue,
                      std::size_t width,
                      std::size_t height)
{
  const double truthPower = HighFrequencyPower(truth, tissue, width, height);
  const double predictionPower = HighFrequencyPower(prediction, tissue, width, height);
  if (!(truthPower > 0))
  {
    return NotANumber;
  }
  return predictionPower / truthPower;
}

MeanSummary MeanIgnoringNaN(const std::vector<double> & values)
{
  MeanSummary s;
  double sum = 0;
  for (double v : values)
  {
    if (std::isnan(v))
    {
      ++s.excluded;
      continue;
    }
    if (!std::isfinite(v))
    {
      throw std::invalid_argument("MeanIgnoringNaN: an infinite value is not an undefined metric; fix its producer");
    }
    sum += v;
    ++s.used;
  }
  if (s.used == 0)
  {
    return s;
  }
  s.mean = sum / static_cast<double>(s.used);
  if (s.used >= 2)
  {
    double ss = 0;
    for (double v : values)
    {
      if (!std::isnan(v))
      {
        ss += (v - s.mean) * (v - s.mean);
      }
    }
    s.spread = std::sqrt(ss / static_cast<double>(s.used - 1));
  }
  return s;
}

} // namespace ss
