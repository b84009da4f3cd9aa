#ifndef ssColormapFunction_hxx
#define ssColormapFunction_hxx

#include "ssColormapFunction.h"

#include <cmath>

namespace ss
{

template<typename TScalar>
RGBPixelType ColormapFunction<TScalar>::operator()(const ScalarType & value) const
{
  if constexpr (std::is_floating_point_v<ScalarType>)
  {
    if (std::isnan(value))
    {
      return BackgroundGrey();
    }
  }
  return m_Colormap.Map(this->RescaleInputValue(value));
}

template<typename TScalar>
void ColormapFunction<TScalar>::PrintSelf(std::ostream & os, itk::Indent indent) const
{
  Superclass::PrintSelf(os, indent);
  os << indent << "Colormap: " << ToString(m_Colormap.GetName()) << std::endl;
}

} // namespace ss

#endif
