#include "ssSimulatedHEImageSource.h"

#include "itkImageScanlineIterator.h"

#include <vector>

namespace ss
{

void SimulatedHEImageSource::SetTissue(std::shared_ptr<const SimulatedTissue> tissue)
{
  if (m_Tissue != tissue)
  {
    m_Tissue = std::move(tissue);
    this->Modified();
  }
}

void SimulatedHEImageSource::GenerateOutputInformation()
{
  if (!m_Tissue)
  {
    itkExceptionMacro("no SimulatedTissue: call SetTissue() first");
  }
  RGBImageType * output = this->GetOutput();
  m_Tissue->GetFrame().ApplyTo(output);
  IndexType start;
  start.Fill(0);
  output->SetLargestPossibleRegion(RegionType(start, m_Tissue->GetImageSize()));
}

void SimulatedHEImageSource::DynamicThreadedGenerateData(const OutputImageRegionType & region)
{
  const auto width = static_cast<std::uint32_t>(region.GetSize(0));
  const auto height = static_cast<std::uint32_t>(region.GetSize(1));
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(width) * height * 3);
  m_Tissue->RenderRegion(region.GetIndex(0), region.GetIndex(1), width, height, rgb.data());
  std::size_t k = 0;
  for (itk::ImageScanlineIterator<RGBImageType> it(this->GetOutput(), region); !it.IsAtEnd(); it.NextLine())
  {
    for (; !it.IsAtEndOfLine(); ++it, k += 3)
    {
      RGBPixelType pixel;
      pixel.Set(rgb[k], rgb[k + 1], rgb[k + 2]);
      it.Set(pixel);
    }
  }
}

void SimulatedHEImageSource::PrintSelf(std::ostream & os, itk::Indent indent) const
{
  Superclass::PrintSelf(os, indent);
  os << indent << "Tissue: ";
  if (m_Tissue)
  {
    const auto & p = m_Tissue->GetParameters();
    os << p.widthUm << " x " << p.heightUm << " µm, seed " << p.seed << ", " << m_Tissue->GetCells().Size() << " cells"
       << std::endl;
  }
  else
  {
    os << "(none)" << std::endl;
  }
}

} // namespace ss
