#ifndef ssColormapFunction_h
#define ssColormapFunction_h

#include "ssColormap.h"

#include "itkColormapFunction.h"

namespace ss
{

/** \class ColormapFunction
 * \brief ss::Colormap as an ITK colormap function, so that ITK's
 * ScalarToRGBColormapImageFilter can paint with viridis, magma or the diverging map
 * (ITK 5.2 has none of them).
 *
 * Values are rescaled from [MinimumInputValue, MaximumInputValue] to [0, 1] and clamped,
 * as ITK's own colormaps do; NaN gives BackgroundGrey(). Colours are rounded, not
 * truncated (ITK's CustomColormapFunction truncates, which turns anchor 68 into 67).
 */
template<typename TScalar>
class ITK_TEMPLATE_EXPORT ColormapFunction : public itk::Function::ColormapFunction<TScalar, RGBPixelType>
{
public:
  ITK_DISALLOW_COPY_AND_MOVE(ColormapFunction);

  using Self = ColormapFunction;
  using Superclass = itk::Function::ColormapFunction<TScalar, RGBPixelType>;
  using Pointer = itk::SmartPointer<Self>;
  using ConstPointer = itk::SmartPointer<const Self>;

  itkNewMacro(Self);
  itkTypeMacro(ColormapFunction, itk::Function::ColormapFunction);

  using ScalarType = typename Superclass::ScalarType;

  void SetColormap(const Colormap & colormap)
  {
    if (m_Colormap.GetName() != colormap.GetName())
    {
      m_Colormap = colormap;
      this->Modified();
    }
  }
  const Colormap & GetColormap() const { return m_Colormap; }

  RGBPixelType operator()(const ScalarType & value) const override;

protected:
  ColormapFunction() = default;
  ~ColormapFunction() override = default;
  void PrintSelf(std::ostream & os, itk::Indent indent) const override;

private:
  Colormap m_Colormap{ ColormapName::Viridis };
};

} // namespace ss

#ifndef ITK_MANUAL_INSTANTIATION
#include "ssColormapFunction.hxx"
#endif

#endif
