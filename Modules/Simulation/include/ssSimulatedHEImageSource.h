#ifndef ssSimulatedHEImageSource_h
#define ssSimulatedHEImageSource_h

#include "SuperSpotSimulationExport.h"
#include "ssSimulatedTissue.h"
#include "ssTypes.h"

#include "itkImageSource.h"

#include <memory>

namespace ss
{

/** \class SimulatedHEImageSource
 * \brief The H&E of a SimulatedTissue as an ITK image source: full-resolution RGB with
 * spacing micronsPerPixel (µm), origin and direction from the tissue's CoordinateFrame.
 *
 * Renders only the requested region, so it streams (StreamingImageFilter, tiled writers)
 * and the result is the same for any split into regions or threads.
 */
class SuperSpotSimulation_EXPORT SimulatedHEImageSource : public itk::ImageSource<RGBImageType>
{
public:
  ITK_DISALLOW_COPY_AND_MOVE(SimulatedHEImageSource);

  using Self = SimulatedHEImageSource;
  using Superclass = itk::ImageSource<RGBImageType>;
  using Pointer = itk::SmartPointer<Self>;
  using ConstPointer = itk::SmartPointer<const Self>;
  using OutputImageRegionType = RGBImageType::RegionType;

  itkNewMacro(Self);
  itkTypeMacro(SimulatedHEImageSource, ImageSource);

  void SetTissue(std::shared_ptr<const SimulatedTissue> tissue);
  const SimulatedTissue * GetTissue() const { return m_Tissue.get(); }

protected:
  SimulatedHEImageSource() = default;
  ~SimulatedHEImageSource() override = default;
  void PrintSelf(std::ostream & os, itk::Indent indent) const override;
  void GenerateOutputInformation() override;
  void DynamicThreadedGenerateData(const OutputImageRegionType & region) override;

private:
  std::shared_ptr<const SimulatedTissue> m_Tissue;
};

} // namespace ss

#endif
