#include "ssOpenSlideImageIOFactory.h"

#include "ssOpenSlideImageIO.h"

#include "itkVersion.h"

namespace ss
{

OpenSlideImageIOFactory::OpenSlideImageIOFactory()
{
  this->RegisterOverride("itkImageIOBase",
                         "ss::OpenSlideImageIO",
                         "Whole-slide images through OpenSlide",
                         true,
                         itk::CreateObjectFunction<OpenSlideImageIO>::New());
}

OpenSlideImageIOFactory::~OpenSlideImageIOFactory() = default;

const char * OpenSlideImageIOFactory::GetITKSourceVersion() const
{
  return ITK_SOURCE_VERSION;
}

const char * OpenSlideImageIOFactory::GetDescription() const
{
  return "SuperSpot ImageIO factory for whole-slide images read through OpenSlide";
}

void OpenSlideImageIOFactory::RegisterOneFactory()
{
  for (itk::ObjectFactoryBase * factory : itk::ObjectFactoryBase::GetRegisteredFactories())
  {
    if (dynamic_cast<OpenSlideImageIOFactory *>(factory) != nullptr)
    {
      return;
    }
  }
  // In front: ITK's TIFFImageIO also claims tiled TIFFs, but would read level 0 whole.
  itk::ObjectFactoryBase::RegisterFactory(OpenSlideImageIOFactory::New(),
                                          itk::ObjectFactoryEnums::InsertionPosition::INSERT_AT_FRONT);
}

} // namespace ss
