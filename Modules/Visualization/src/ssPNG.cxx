#include "ssPNG.h"

#include "ssError.h"
#include "ssFiles.h"

#include "itkChangeInformationImageFilter.h"
#include "itkImageFileWriter.h"
#include "itkPNGImageIO.h"

namespace ss
{

void WritePNG(const RGBImageType * image, const std::string & path)
{
  using Change = itk::ChangeInformationImageFilter<RGBImageType>;
  auto unit = Change::New();
  unit->SetInput(image);
  RGBImageType::SpacingType spacing;
  spacing.Fill(1.0);
  RGBImageType::PointType origin;
  origin.Fill(0.0);
  unit->SetOutputSpacing(spacing);
  unit->SetOutputOrigin(origin);
  RGBImageType::DirectionType identity;
  identity.SetIdentity();
  unit->SetOutputDirection(identity);
  unit->ChangeSpacingOn();
  unit->ChangeOriginOn();
  unit->ChangeDirectionOn();
  try
  {
    WriteAtomically(path,
                    [&](const std::string & temporary)
                    {
                      auto writer = itk::ImageFileWriter<RGBImageType>::New();
                      writer->SetImageIO(itk::PNGImageIO::New());
                      writer->SetFileName(temporary);
                      writer->SetInput(unit->GetOutput());
                      writer->Update();
                    });
  }
  catch (const InputError &)
  {
    throw;
  }
  catch (const itk::ExceptionObject & e)
  {
    SS_INPUT_ERROR(
      path, "PNG", "cannot be written: " + OneLineMessage(e), "check that the folder exists and is writable");
  }
}

} // namespace ss
