#include "ssProgress.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <sstream>

namespace ss
{

namespace
{
std::mutex g_OutputMutex;
int g_Verbosity = 1;

std::string FormatSeconds(double s)
{
  std::ostringstream os;
  if (s < 90)
  {
    os << static_cast<int>(std::round(s)) << " s";
  }
  else if (s < 5400)
  {
    os << static_cast<int>(std::round(s / 60)) << " min";
  }
  else
  {
    os.precision(2);
    os << std::fixed << s / 3600 << " h";
  }
  return os.str();
}

std::string XmlEscape(const std::string & s)
{
  std::string r;
  for (const char c : s)
  {
    switch (c)
    {
      case '<':
        r += "&lt;";
        break;
      case '>':
        r += "&gt;";
        break;
      case '&':
        r += "&amp;";
        break;
      default:
        r += c;
    }
  }
  return r;
}
} // namespace

ProgressReporter::ProgressReporter(Style style)
  : m_Style(style)
{}

ProgressReporter::~ProgressReporter() = default;

void ProgressReporter::Start(const std::string & name, const std::string & comment)
{
  m_Name = name;
  m_Start = m_LastPrint = std::chrono::steady_clock::now();
  m_LastFraction = -1;
  std::lock_guard<std::mutex> lock(g_OutputMutex);
  if (m_Style == Style::Slicer)
  {
    std::cout << "<filter-start>\n<filter-name>" << XmlEscape(name) << "</filter-name>\n<filter-comment>"
              << XmlEscape(comment.empty() ? name : comment) << "</filter-comment>\n</filter-start>" << std::endl;
  }
  else if (m_Style == Style::Console && g_Verbosity >= 1)
  {
    std::cerr << "superspot: " << name << (comment.empty() ? "" : ": " + comment) << std::endl;
  }
}

void ProgressReporter::Progress(double fraction, const std::string & detail)
{
  fraction = std::min(1.0, std::max(0.0, fraction));
  const auto now = std::chrono::steady_clock::now();
  const double sinceLast = std::chrono::duration<double>(now - m_LastPrint).count();
  std::lock_guard<std::mutex> lock(g_OutputMutex);
  if (m_Style == Style::Slicer)
  {
    // Slicer redraws on every line; a hundred per stage is plenty.
    if (fraction - m_LastFraction < 0.01 && fraction < 1.0)
    {
      return;
    }
    m_LastFraction = fraction;
    std::cout << "<filter-progress>" << fraction << "</filter-progress>" << std::endl;
  }
  else if (m_Style == Style::Console && g_Verbosity >= 1)
  {
    if (sinceLast < 5.0 && fraction < 1.0)
    {
      return;
    }
    m_LastPrint = now;
    const double elapsed = std::chrono::duration<double>(now - m_Start).count();
    std::ostringstream os;
    os << "superspot: " << m_Name << " " << static_cast<int>(std::round(100 * fraction)) << "%";
    if (fraction > 0.01 && fraction < 1.0)
    {
      os << ", ETA " << FormatSeconds(elapsed * (1 - fraction) / fraction);
    }
    if (!detail.empty())
    {
      os << " (" << detail << ")";
    }
    std::cerr << os.str() << std::endl;
  }
}

void ProgressReporter::End()
{
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_Start).count();
  std::lock_guard<std::mutex> lock(g_OutputMutex);
  if (m_Style == Style::Slicer)
  {
    std::cout << "<filter-end>\n<filter-name>" << XmlEscape(m_Name) << "</filter-name>\n<filter-time>" << elapsed
              << "</filter-time>\n</filter-end>" << std::endl;
  }
  else if (m_Style == Style::Console && g_Verbosity >= 1)
  {
    std::cerr << "superspot: " << m_Name << " done in " << FormatSeconds(elapsed) << std::endl;
  }
}

ProgressReporter & ProgressReporter::Global()
{
  static ProgressReporter reporter(Style::None);
  return reporter;
}

void ProgressReporter::SetGlobalStyle(Style style)
{
  Global().m_Style = style;
}

FilterWatcher::FilterWatcher(itk::ProcessObject * filter, const std::string & name, ProgressReporter & reporter)
  : m_Filter(filter)
  , m_Name(name)
  , m_Reporter(reporter)
{
  auto start = itk::SimpleMemberCommand<FilterWatcher>::New();
  start->SetCallbackFunction(this, &FilterWatcher::OnStart);
  auto progress = itk::SimpleMemberCommand<FilterWatcher>::New();
  progress->SetCallbackFunction(this, &FilterWatcher::OnProgress);
  auto end = itk::SimpleMemberCommand<FilterWatcher>::New();
  end->SetCallbackFunction(this, &FilterWatcher::OnEnd);
  m_Tags[0] = filter->AddObserver(itk::StartEvent(), start);
  m_Tags[1] = filter->AddObserver(itk::ProgressEvent(), progress);
  m_Tags[2] = filter->AddObserver(itk::EndEvent(), end);
}

void FilterWatcher::OnStart()
{
  m_Reporter.Start(m_Name);
}

void FilterWatcher::OnProgress()
{
  m_Reporter.Progress(m_Filter->GetProgress());
}

void FilterWatcher::OnEnd()
{
  m_Reporter.End();
}

FilterWatcher::~FilterWatcher()
{
  for (const auto t : m_Tags)
  {
    m_Filter->RemoveObserver(t);
  }
}

void SetLogVerbosity(int verbosity)
{
  g_Verbosity = verbosity;
}

int GetLogVerbosity()
{
  return g_Verbosity;
}

namespace
{
// Slicer marks a module "completed with errors" when it writes to stderr, so in
// Slicer style everything but errors goes to stdout, where Slicer shows it as log.
std::ostream & LogStream()
{
  return ProgressReporter::Global().GetStyle() == ProgressReporter::Style::Slicer ? std::cout : std::cerr;
}
} // namespace

void LogInfo(const std::string & message)
{
  if (g_Verbosity >= 1)
  {
    std::lock_guard<std::mutex> lock(g_OutputMutex);
    LogStream() << "superspot: " << message << std::endl;
  }
}

void LogWarning(const std::string & message)
{
  std::lock_guard<std::mutex> lock(g_OutputMutex);
  LogStream() << "superspot: warning: " << message << std::endl;
}

void LogDebug(const std::string & message)
{
  if (g_Verbosity >= 2)
  {
    std::lock_guard<std::mutex> lock(g_OutputMutex);
    LogStream() << "superspot: debug: " << message << std::endl;
  }
}

} // namespace ss
