#ifndef ssProgress_h
#define ssProgress_h

#include "SuperSpotCoreExport.h"

#include "itkCommand.h"
#include "itkProcessObject.h"

#include <chrono>
#include <memory>
#include <string>

namespace ss
{

/** \class ProgressReporter
 * \brief Where long-running stages report progress.
 *
 * The Slicer flavour writes the Slicer Execution Model's progress lines on
 * standard output (<filter-start>, <filter-progress>, <filter-end>); the
 * console flavour writes a line with the percentage and an ETA to stderr at most
 * every few seconds; the null flavour is silent (library default).
 */
class SuperSpotCore_EXPORT ProgressReporter
{
public:
  enum class Style
  {
    None,
    Slicer,
    Console
  };
  explicit ProgressReporter(Style style = Style::None);
  virtual ~ProgressReporter();

  /** Starts a named stage. */
  virtual void Start(const std::string & name, const std::string & comment = "");
  /** fraction in [0,1] of the current stage; `detail` is shown on the console. */
  virtual void Progress(double fraction, const std::string & detail = "");
  virtual void End();

  Style GetStyle() const { return m_Style; }
  /** The process-wide reporter CLIs set from their flags. */
  static ProgressReporter & Global();
  static void SetGlobalStyle(Style style);

private:
  Style m_Style;
  std::string m_Name;
  std::chrono::steady_clock::time_point m_Start;
  std::chrono::steady_clock::time_point m_LastPrint;
  double m_LastFraction = -1;
};

/** Forwards an ITK filter's ProgressEvent/StartEvent/EndEvent to a ProgressReporter
 * (as Slicer's itkPluginFilterWatcher does). Keep it alive while the filter runs. */
class SuperSpotCore_EXPORT FilterWatcher
{
public:
  FilterWatcher(itk::ProcessObject * filter, const std::string & name, ProgressReporter & reporter = ProgressReporter::Global());
  ~FilterWatcher();
  FilterWatcher(const FilterWatcher &) = delete;
  FilterWatcher & operator=(const FilterWatcher &) = delete;

private:
  void OnStart();
  void OnProgress();
  void OnEnd();

  itk::ProcessObject::Pointer m_Filter;
  std::string m_Name;
  ProgressReporter & m_Reporter;
  unsigned long m_Tags[3] = { 0, 0, 0 };
};

/** Logging, "superspot: [level: ]message": to stderr in a terminal; to stdout when
 * the global reporter has the Slicer style (Slicer flags any stderr output as an
 * error). Verbosity 0 = warnings only, 1 = info (default), 2 = debug. Errors are
 * not logged: they are exceptions, printed once by the CLI. */
SuperSpotCore_EXPORT void SetLogVerbosity(int verbosity);
SuperSpotCore_EXPORT int GetLogVerbosity();
SuperSpotCore_EXPORT void LogInfo(const std::string & message);
SuperSpotCore_EXPORT void LogWarning(const std::string & message);
SuperSpotCore_EXPORT void LogDebug(const std::string & message);

} // namespace ss

#endif
