#include "ssSpotRasterizationImageFilter.h"

#include "itkImageRegionIterator.h"
#include "itkImageRegionIteratorWithIndex.h"
#include "itkTotalProgressReporter.h"

#include <cmath>

namespace ss
{

std::ostream & operator<<(std::ostream & os, SpotRasterizationImageFilter::ModeType mode)
{
  switch (mode)
  {
    case SpotRasterizationImageFilter::ModeType::Nearest:
      return os << "Nearest";
    case SpotRasterizationImageFilter::ModeType::Disc:
      return os << "Disc";
    case SpotRasterizationImageFilter::ModeType::Cell:
      return os << "Cell";
  }
  return os;
}

SpotRasterizationImageFilter::SpotRasterizationImageFilter()
{
  this->SetNumberOfRequiredOutputs(2);
  this->SetNthOutput(0, this->MakeOutput(0));
  this->SetNthOutput(1, this->MakeOutput(1));
  m_Axis[0].Fill(0.0);
  m_Axis[1].Fill(0.0);
}

itk::ProcessObject::DataObjectPointer
SpotRasterizationImageFilter::MakeOutput(itk::ProcessObject::DataObjectPointerArraySizeType idx)
{
  if (idx == 1)
  {
    return MaskImageType::New().GetPointer();
  }
  return ExpressionImageType::New().GetPointer();
}

MaskImageType * SpotRasterizationImageFilter::GetMaskOutput()
{
  return dynamic_cast<MaskImageType *>(this->itk::ProcessObject::GetOutput(1));
}

const MaskImageType * SpotRasterizationImageFilter::GetMaskOutput() const
{
  return dynamic_cast<const MaskImageType *>(this->itk::ProcessObject::GetOutput(1));
}

void SpotRasterizationImageFilter::SetSpots(const SpotDataset & spots,
                                            const std::vector<std::size_t> & genes,
                                            const ExpressionNormalization & normalization,
                                            const std::vector<double> * librarySizes)
{
  if (spots.spots.positionUm.size() != spots.NumberOfSpots())
  {
    itkExceptionMacro(<< "SetSpots: " << spots.source << " has no µm position for every spot");
  }
  this->SetSpotValues(spots.spots.positionUm,
                      NormalizeSpots(spots, genes, normalization, librarySizes),
                      static_cast<unsigned int>(genes.size()));
  m_PitchUm = spots.pitchUm;
  m_SpotDiameterUm = spots.spotDiameterUm;
}

void SpotRasterizationImageFilter::SetSpotValues(const std::vector<PointType> & centresUm,
                                                 const std::vector<float> & values,
                                                 unsigned int numberOfComponents)
{
  if (numberOfComponents == 0)
  {
    itkExceptionMacro(<< "SetSpotValues: at least one component per spot is needed");
  }
  if (values.size() != centresUm.size() * numberOfComponents)
  {
    itkExceptionMacro(<< "SetSpotValues: " << values.size() << " values for " << centresUm.size() << " spots of "
                      << numberOfComponents << " components");
  }
  m_Centres = centresUm;
  m_Values = values;
  m_NumberOfComponents = numberOfComponents;
  this->Modified();
}

void SpotRasterizationImageFilter::SetOutputGrid(const GridGeometry & grid)
{
  m_OutputGrid = grid;
  m_HasOutputGrid = true;
  this->Modified();
}

void SpotRasterizationImageFilter::SetOutputGridFromReferenceImage(const itk::ImageBase<2> * reference)
{
  if (!reference)
  {
    itkExceptionMacro(<< "SetOutputGridFromReferenceImage: no image");
  }
  this->SetOutputGrid(GridGeometry::FromImage(reference));
}

double SpotRasterizationImageFilter::GetEffectiveRadiusUm() const
{
  switch (m_Mode)
  {
    case ModeType::Nearest:
      if (m_RadiusUm > 0)
      {
        return m_RadiusUm;
      }
      if (m_PitchUm > 0)
      {
        return 0.5 * m_PitchUm;
      }
      itkExceptionMacro(<< "Nearest mode needs RadiusUm or PitchUm (spot pitch in µm)");
    case ModeType::Disc:
      if (m_SpotDiameterUm > 0)
      {
        return 0.5 * m_SpotDiameterUm;
      }
      itkExceptionMacro(<< "Disc mode needs SpotDiameterUm");
    case ModeType::Cell:
      if (m_PitchUm > 0)
      {
        // The farthest a pixel centre can be from its cell's spot: half the cell's diagonal.
        return 0.5 * m_PitchUm * std::sqrt(2.0);
      }
      itkExceptionMacro(<< "Cell mode needs PitchUm");
  }
  return 0;
}

void SpotRasterizationImageFilter::GenerateOutputInformation()
{
  if (!m_HasOutputGrid)
  {
    itkExceptionMacro(<< "no output grid: call SetOutputGrid() or SetOutputGridFromReferenceImage()");
  }
  if (m_NumberOfComponents == 0)
  {
    itkExceptionMacro(<< "no spots: call SetSpots() or SetSpotValues()");
  }
  for (unsigned int i = 0; i < 2; ++i)
  {
    auto * output = dynamic_cast<itk::ImageBase<2> *>(this->itk::ProcessObject::GetOutput(i));
    output->SetOrigin(m_OutputGrid.origin);
    output->SetSpacing(m_OutputGrid.spacing);
    output->SetDirection(m_OutputGrid.direction);
    output->SetLargestPossibleRegion(m_OutputGrid.GetRegion());
  }
  this->GetOutput()->SetNumberOfComponentsPerPixel(m_NumberOfComponents);
}

void SpotRasterizationImageFilter::BeforeThreadedGenerateData()
{
  m_SearchRadius = this->GetEffectiveRadiusUm();
  for (unsigned int c = 0; c < 2; ++c)
  {
    for (unsigned int r = 0; r < 2; ++r)
    {
      m_Axis[c][r] = m_OutputGrid.direction(r, c);
    }
    m_Axis[c].Normalize();
  }
  // Rebuild only when spots or parameters changed, not for every streamed piece.
  if (!m_Buckets || m_BucketsTime < this->GetMTime())
  {
    m_Buckets = std::make_unique<PointBuckets>(m_Centres, m_SearchRadius);
    m_BucketsTime.Modified();
  }
}

long SpotRasterizationImageFilter::FindSpot(const PointType & p) const
{
  if (m_Mode != ModeType::Cell)
  {
    return m_Buckets->Nearest(p, m_SearchRadius);
  }
  const double half = 0.5 * m_PitchUm;
  long best = -1;
  double bestDistance = 0;
  m_Buckets->ForEachWithin(p, m_SearchRadius, [&](std::size_t i, double d2) {
    const VectorType d = p - m_Buckets->GetPoint(i);
    const double a = d * m_Axis[0];
    const double b = d * m_Axis[1];
    if (a < -half || a >= half || b < -half || b >= half)
    {
      return;
    }
    if (best < 0 || d2 < bestDistance)
    {
      best = static_cast<long>(i);
      bestDistance = d2;
    }
  });
  return best;
}

void SpotRasterizationImageFilter::DynamicThreadedGenerateData(const OutputImageRegionType & region)
{
  ExpressionImageType * output = this->GetOutput();
  MaskImageType * mask = this->GetMaskOutput();
  itk::TotalProgressReporter progress(this, output->GetRequestedRegion().GetNumberOfPixels());

  itk::ImageRegionIteratorWithIndex<ExpressionImageType> it(output, region);
  itk::ImageRegionIterator<MaskImageType> maskIt(mask, region);
  ExpressionImageType::PixelType value(m_NumberOfComponents);
  ExpressionImageType::PixelType zero(m_NumberOfComponents);
  zero.Fill(0.0f);
  PointType p;
  for (; !it.IsAtEnd(); ++it, ++maskIt)
  {
    output->TransformIndexToPhysicalPoint(it.GetIndex(), p);
    const long spot = this->FindSpot(p);
    if (spot >= 0)
    {
      const float * v = m_Values.data() + static_cast<std::size_t>(spot) * m_NumberOfComponents;
      for (unsigned int c = 0; c < m_NumberOfComponents; ++c)
      {
        value[c] = v[c];
      }
      it.Set(value);
      maskIt.Set(1);
    }
    else
    {
      it.Set(zero);
      maskIt.Set(0);
    }
    progress.CompletedPixel();
  }
}

void SpotRasterizationImageFilter::PrintSelf(std::ostream & os, itk::Indent indent) const
{
  Superclass::PrintSelf(os, indent);
  os << indent << "Spots: " << m_Centres.size() << std::endl;
  os << indent << "Values: " << m_Values.size() << std::endl;
  os << indent << "NumberOfComponents: " << m_NumberOfComponents << std::endl;
  os << indent << "OutputGrid: " << (m_HasOutputGrid ? "" : "(not set) ") << "origin " << m_OutputGrid.origin
     << " spacing " << m_OutputGrid.spacing << " start " << m_OutputGrid.start << " size " << m_OutputGrid.size
     << std::endl;
  os << indent << "OutputGridDirection: " << m_OutputGrid.direction;
  os << indent << "Mode: " << m_Mode << std::endl;
  os << indent << "PitchUm: " << m_PitchUm << std::endl;
  os << indent << "RadiusUm: " << m_RadiusUm << std::endl;
  os << indent << "SpotDiameterUm: " << m_SpotDiameterUm << std::endl;
  os << indent << "SearchRadius: " << m_SearchRadius << std::endl;
  os << indent << "Axes: " << m_Axis[0] << " " << m_Axis[1] << std::endl;
  os << indent << "Buckets: " << (m_Buckets ? m_Buckets->Size() : 0) << " points" << std::endl;
}

} // namespace ss
