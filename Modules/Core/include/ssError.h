#ifndef ssError_h
#define ssError_h

#include "SuperSpotCoreExport.h"
#include "itkMacro.h"

#include <string>

namespace ss
{

/** \class InputError
 * \brief A problem with what the user gave SuperSpot: names the file, the field,
 * what is wrong and how to fix it.
 *
 * what() is one line, "FILE: FIELD: PROBLEM. Fix: FIX", which is what a CLI
 * module prints before it exits non-zero. Derives from itk::ExceptionObject so
 * ITK pipelines propagate it unchanged.
 */
class SuperSpotCore_EXPORT InputError : public itk::ExceptionObject
{
public:
  InputError(std::string file,
             std::string field,
             std::string problem,
             std::string fix,
             const char * sourceFile = __builtin_FILE(),
             unsigned int sourceLine = __builtin_LINE());
  ~InputError() noexcept override;
  InputError(const InputError &) = default;
  InputError & operator=(const InputError &) = default;

  const std::string & GetInputFile() const { return m_InputFile; }
  const std::string & GetField() const { return m_Field; }
  const std::string & GetProblem() const { return m_Problem; }
  const std::string & GetFix() const { return m_Fix; }

  const char * what() const noexcept override { return m_Message.c_str(); }
  const char * GetNameOfClass() const override { return "InputError"; }

private:
  std::string m_InputFile;
  std::string m_Field;
  std::string m_Problem;
  std::string m_Fix;
  std::string m_Message;
};

/** One line for the user from any exception: InputError's own line, the
 * description of an itk::ExceptionObject (without ITK's source location), or
 * what() of anything else. Newlines are folded so Slicer shows one line. */
SuperSpotCore_EXPORT std::string OneLineMessage(const std::exception & e);

} // namespace ss

/** Throws ss::InputError(file, field, problem, fix) from the current source line. */
#define SS_INPUT_ERROR(file, field, problem, fix) throw ::ss::InputError((file), (field), (problem), (fix), __FILE__, __LINE__)

#endif
