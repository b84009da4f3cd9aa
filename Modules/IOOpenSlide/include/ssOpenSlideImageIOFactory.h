#ifndef ssOpenSlideImageIOFactory_h
#define ssOpenSlideImageIOFactory_h

#include "SuperSpotIOOpenSlideExport.h"

#include "itkObjectFactoryBase.h"

namespace ss
{

/** \class OpenSlideImageIOFactory
 * \brief Makes itk::ImageFileReader use ss::OpenSlideImageIO for whole-slide images.
 *
 * RegisterOneFactory() puts it in front of ITK's own ImageIO factories, so a tiled,
 * pyramidal TIFF is read through OpenSlide (one level, streamed, in µm) rather than
 * whole by ITK's TIFFImageIO; files OpenSlide does not claim (plain TIFF, JPEG, PNG,
 * NRRD …) still go to ITK's ImageIOs. Registering twice registers once.
 */
class SuperSpotIOOpenSlide_EXPORT OpenSlideImageIOFactory : public itk::ObjectFactoryBase
{
public:
  ITK_DISALLOW_COPY_AND_MOVE(OpenSlideImageIOFactory);

  using Self = OpenSlideImageIOFactory;
  using Superclass = itk::ObjectFactoryBase;
  using Pointer = itk::SmartPointer<Self>;
  using ConstPointer = itk::SmartPointer<const Self>;

  const char * GetITKSourceVersion() const override;
  const char * GetDescription() const override;

  itkFactorylessNewMacro(Self);
  itkTypeMacro(OpenSlideImageIOFactory, itk::ObjectFactoryBase);

  /** Registers the factory in front of the others, once per process. */
  static void RegisterOneFactory();

protected:
  OpenSlideImageIOFactory();
  ~OpenSlideImageIOFactory() override;
};

} // namespace ss

#endif
