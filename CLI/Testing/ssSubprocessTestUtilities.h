#ifndef ssSubprocessTestUtilities_h
#define ssSubprocessTestUtilities_h

// Running a CLI module's executable as a child process (to kill it, or to start several
// ranks of one run): spawn with extra environment variables and its output in a log file,
// wait, kill, and a free TCP port on the loopback interface.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

extern char ** environ;

namespace ss
{
namespace test
{

/** A TCP port nobody listens on now (the kernel's choice for an ephemeral bind). */
inline int FreePort()
{
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof(a));
  socklen_t length = sizeof(a);
  ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &length);
  const int port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

/** Starts `arguments` (the first is the executable's path) with this process's environment
 * less the variables named in `dropped` (prefixes), plus `environment` ("NAME=value"),
 * standard output and error going to `log`. Returns the child's pid, or -1. */
inline pid_t Spawn(const std::vector<std::string> & arguments,
                   const std::vector<std::string> & environment,
                   const std::string & log,
                   const std::vector<std::string> & dropped = { "RANK=", "WORLD_SIZE=", "MASTER_", "LOCAL_RANK=" })
{
  std::vector<char *> argv, envp;
  for (const auto & a : arguments)
  {
    argv.push_back(const_cast<char *>(a.c_str()));
  }
  argv.push_back(nullptr);
  std::vector<std::string> all(environment);
  for (char ** e = environ; *e; ++e)
  {
    const std::string s(*e);
    bool keep = true;
    for (const auto & d : dropped)
    {
      keep = keep && s.rfind(d, 0) != 0;
    }
    if (keep)
    {
      all.push_back(s);
    }
  }
  for (const auto & e : all)
  {
    envp.push_back(const_cast<char *>(e.c_str()));
  }
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ::posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const int failed = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  ::posix_spawn_file_actions_destroy(&actions);
  return failed ? -1 : pid;
}

/** Waits for `pid`: its exit status, 128 + the signal that ended it, or -1. */
inline int Wait(pid_t pid)
{
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid)
  {
    return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

/** True once `pid` has exited (reaped; its status in `status`), false while it runs. */
inline bool HasExited(pid_t pid, int & status)
{
  int raw = 0;
  if (::waitpid(pid, &raw, WNOHANG) != pid)
  {
    return false;
  }
  status = WIFEXITED(raw) ? WEXITSTATUS(raw) : WIFSIGNALED(raw) ? 128 + WTERMSIG(raw) : -1;
  return true;
}

} // namespace test
} // namespace ss

#endif
