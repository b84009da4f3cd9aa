#include "ssCoordinateFrame.h"

#include "ssError.h"

#include "vnl/algo/vnl_matrix_inverse.h"
#include "vnl/algo/vnl_svd.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ss
{

namespace
{
CoordinateFrame::MatrixType Inverse(const CoordinateFrame::MatrixType & m)
{
  const double det = m(0, 0) * m(1, 1) - m(0, 1) * m(1, 0);
  if (!(std::abs(det) > 0) || !std::isfinite(det))
  {
    throw std::invalid_argument("singular or non-finite pixel-to-micron matrix");
  }
  CoordinateFrame::MatrixType inv;
  inv(0, 0) = m(1, 1) / det;
  inv(0, 1) = -m(0, 1) / det;
  inv(1, 0) = -m(1, 0) / det;
  inv(1, 1) = m(0, 0) / det;
  return inv;
}

PointType Scaled(const PointType & p, double s)
{
  PointType r;
  r[0] = p[0] * s;
  r[1] = p[1] * s;
  return r;
}

PointType Apply(const CoordinateFrame::MatrixType & m, const PointType & offset, double x, double y)
{
  PointType r;
  r[0] = offset[0] + m(0, 0) * x + m(0, 1) * y;
  r[1] = offset[1] + m(1, 0) * x + m(1, 1) * y;
  return r;
}
} // namespace

CoordinateFrame::CoordinateFrame()
{
  m_PixelToMicrons.SetIdentity();
  m_MicronsToPixel.SetIdentity();
  m_Origin.Fill(0.0);
  m_ArrayToPx.SetIdentity();
  m_ArrayOffsetPx.Fill(0.0);
}

CoordinateFrame CoordinateFrame::FromMicronsPerPixel(double micronsPerPixel)
{
  if (!(micronsPerPixel > 0) || !std::isfinite(micronsPerPixel))
  {
    throw std::invalid_argument("microns per pixel must be positive and finite");
  }
  MatrixType m;
  m.SetIdentity();
  m *= micronsPerPixel;
  PointType o;
  o.Fill(0.0);
  return FromAffine(m, o);
}

CoordinateFrame CoordinateFrame::FromAffine(const MatrixType & pixelToMicrons, const PointType & origin)
{
  CoordinateFrame f;
  f.m_PixelToMicrons = pixelToMicrons;
  f.m_MicronsToPixel = Inverse(pixelToMicrons);
  f.m_Origin = origin;
  return f;
}

CoordinateFrame CoordinateFrame::FromImage(const itk::ImageBase<2> * image)
{
  MatrixType m;
  const auto & d = image->GetDirection();
  const auto & s = image->GetSpacing();
  for (unsigned r = 0; r < 2; ++r)
  {
    for (unsigned c = 0; c < 2; ++c)
    {
      m(r, c) = d(r, c) * s[c];
    }
  }
  return FromAffine(m, image->GetOrigin());
}

PointType CoordinateFrame::FullResPxToMicrons(const PointType & px) const
{
  return Apply(m_PixelToMicrons, m_Origin, px[0], px[1]);
}

PointType CoordinateFrame::MicronsToFullResPx(const PointType & um) const
{
  PointType zero;
  zero.Fill(0.0);
  return Apply(m_MicronsToPixel, zero, um[0] - m_Origin[0], um[1] - m_Origin[1]);
}

double CoordinateFrame::GetMicronsPerPixel() const
{
  const auto & m = m_PixelToMicrons;
  return std::sqrt(std::abs(m(0, 0) * m(1, 1) - m(0, 1) * m(1, 0)));
}

itk::Vector<double, 2> CoordinateFrame::GetSpacing() const
{
  itk::Vector<double, 2> s;
  for (unsigned c = 0; c < 2; ++c)
  {
    s[c] = std::hypot(m_PixelToMicrons(0, c), m_PixelToMicrons(1, c));
  }
  return s;
}

DirectionType CoordinateFrame::GetDirection() const
{
  const auto s = GetSpacing();
  DirectionType d;
  for (unsigned r = 0; r < 2; ++r)
  {
    for (unsigned c = 0; c < 2; ++c)
    {
      d(r, c) = m_PixelToMicrons(r, c) / s[c];
    }
  }
  return d;
}

void CoordinateFrame::ApplyTo(itk::ImageBase<2> * image) const
{
  image->SetSpacing(GetSpacing());
  image->SetOrigin(m_Origin);
  image->SetDirection(GetDirection());
}

PointType CoordinateFrame::FullResPxToHiresPx(const PointType & px) const
{
  if (!(m_HiresScale > 0))
  {
    throw std::logic_error("no hires scale factor in this coordinate frame");
  }
  return Scaled(px, m_HiresScale);
}
PointType CoordinateFrame::HiresPxToFullResPx(const PointType & px) const
{
  if (!(m_HiresScale > 0))
  {
    throw std::logic_error("no hires scale factor in this coordinate frame");
  }
  return Scaled(px, 1.0 / m_HiresScale);
}
PointType CoordinateFrame::FullResPxToLowresPx(const PointType & px) const
{
  if (!(m_LowresScale > 0))
  {
    throw std::logic_error("no lowres scale factor in this coordinate frame");
  }
  return Scaled(px, m_LowresScale);
}
PointType CoordinateFrame::LowresPxToFullResPx(const PointType & px) const
{
  if (!(m_LowresScale > 0))
  {
    throw std::logic_error("no lowres scale factor in this coordinate frame");
  }
  return Scaled(px, 1.0 / m_LowresScale);
}

CoordinateFrame CoordinateFrame::Downsampled(double scale) const
{
  if (!(scale > 0))
  {
    throw std::invalid_argument("downsampling scale must be positive");
  }
  // Downsampled pixel q = p * scale has its centre where full-res coordinate q / scale is;
  // pixel-centre conventions differ by well under a full-res pixel, which we ignore.
  MatrixType m = m_PixelToMicrons;
  m /= scale;
  CoordinateFrame f = FromAffine(m, m_Origin);
  f.m_HiresScale = m_HiresScale / scale;
  f.m_LowresScale = m_LowresScale / scale;
  return f;
}

double CoordinateFrame::FitArrayGrid(const std::vector<double> & col,
                                     const std::vector<double> & row,
                                     const std::vector<PointType> & px)
{
  const std::size_t n = px.size();
  if (col.size() != n || row.size() != n)
  {
    throw std::invalid_argument("FitArrayGrid: array and pixel coordinates differ in length");
  }
  if (n < 3)
  {
    throw std::invalid_argument("FitArrayGrid: need at least 3 spots");
  }
  vnl_matrix<double> a(n, 3);
  vnl_matrix<double> b(n, 2);
  for (std::size_t i = 0; i < n; ++i)
  {
    a(i, 0) = col[i];
    a(i, 1) = row[i];
    a(i, 2) = 1.0;
    b(i, 0) = px[i][0];
    b(i, 1) = px[i][1];
  }
  vnl_svd<double> svd(a);
  if (svd.rank() < 3)
  {
    throw std::invalid_argument("FitArrayGrid: spots are collinear, the array grid is undetermined");
  }
  const vnl_matrix<double> x = svd.solve(b); // 3 x 2
  m_ArrayToPx(0, 0) = x(0, 0);
  m_ArrayToPx(0, 1) = x(1, 0);
  m_ArrayToPx(1, 0) = x(0, 1);
  m_ArrayToPx(1, 1) = x(1, 1);
  m_ArrayOffsetPx[0] = x(2, 0);
  m_ArrayOffsetPx[1] = x(2, 1);
  m_HasArrayGrid = true;
  double ss = 0;
  for (std::size_t i = 0; i < n; ++i)
  {
    const PointType p = ArrayToFullResPx(col[i], row[i]);
    ss += (p - px[i]).GetSquaredNorm();
  }
  return std::sqrt(ss / static_cast<double>(n));
}

PointType CoordinateFrame::ArrayToFullResPx(double col, double row) const
{
  if (!m_HasArrayGrid)
  {
    throw std::logic_error("no array grid in this coordinate frame (FitArrayGrid first)");
  }
  return Apply(m_ArrayToPx, m_ArrayOffsetPx, col, row);
}

PointType CoordinateFrame::ArrayToMicrons(double col, double row) const
{
  return FullResPxToMicrons(ArrayToFullResPx(col, row));
}

PointType CoordinateFrame::MicronsToArray(const PointType & um) const
{
  if (!m_HasArrayGrid)
  {
    throw std::logic_error("no array grid in this coordinate frame (FitArrayGrid first)");
  }
  const PointType px = MicronsToFullResPx(um);
  const MatrixType inv = Inverse(m_ArrayToPx);
  PointType zero;
  zero.Fill(0.0);
  return Apply(inv, zero, px[0] - m_ArrayOffsetPx[0], px[1] - m_ArrayOffsetPx[1]);
}

double CoordinateFrame::GetArrayColumnStepMicrons() const
{
  const PointType a = ArrayToMicrons(0, 0);
  const PointType b = ArrayToMicrons(1, 0);
  return a.EuclideanDistanceTo(b);
}

double CoordinateFrame::GetArrayRowStepMicrons() const
{
  const PointType a = ArrayToMicrons(0, 0);
  const PointType b = ArrayToMicrons(0, 1);
  return a.EuclideanDistanceTo(b);
}

} // namespace ss
