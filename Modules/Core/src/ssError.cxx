#include "ssError.h"

#include <algorithm>

namespace ss
{

namespace
{
std::string Compose(const std::string & file, const std::string & field, const std::string & problem, const std::string & fix)
{
  std::string m;
  if (!file.empty())
  {
    m += file + ": ";
  }
  if (!field.empty())
  {
    m += field + ": ";
  }
  m += problem;
  if (!fix.empty())
  {
    m += ". Fix: " + fix;
  }
  return m;
}
} // namespace

InputError::InputError(std::string file,
                       std::string field,
                       std::string problem,
                       std::string fix,
                       const char * sourceFile,
                       unsigned int sourceLine)
  : itk::ExceptionObject(sourceFile, sourceLine, Compose(file, field, problem, fix), "SuperSpot input")
  , m_InputFile(std::move(file))
  , m_Field(std::move(field))
  , m_Problem(std::move(problem))
  , m_Fix(std::move(fix))
{
  m_Message = Compose(m_InputFile, m_Field, m_Problem, m_Fix);
}

InputError::~InputError() noexcept = default;

std::string OneLineMessage(const std::exception & e)
{
  std::string m;
  if (const auto * input = dynamic_cast<const InputError *>(&e))
  {
    m = input->what();
  }
  else if (const auto * itkError = dynamic_cast<const itk::ExceptionObject *>(&e))
  {
    m = itkError->GetDescription();
  }
  else
  {
    // Other libraries (LibTorch's c10::Error) append backtraces after the first line.
    m = e.what();
    const auto eol = m.find('\n');
    if (eol != std::string::npos && eol > 0)
    {
      m.resize(eol);
    }
  }
  std::replace(m.begin(), m.end(), '\n', ' ');
  std::replace(m.begin(), m.end(), '\r', ' ');
  while (!m.empty() && m.back() == ' ')
  {
    m.pop_back();
  }
  return m;
}

} // namespace ss
