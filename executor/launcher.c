/* Launcher of the executor's sandbox: three small roles in one static binary (zygote.c has the third).
 *
 * launcher enter UID GID N PROCS_FILE_1 .. PROCS_FILE_N M OP_1 .. OP_M -- CMD ARGS...
 *   Host side: join the run's cgroups (write own pid to each cgroup.procs);
 *   when M > 0, enter a private mount namespace and apply M mount operations,
 *   each three arguments: "tmpfs - DST" (a small tmpfs on DST),
 *   "bind SRC DST" (bind SRC on DST, creating DST) or "chdir - DIR".  They let an unprivileged
 *   bubblewrap (or the program, in host mode) reach sources under root-only
 *   directories such as /root, without changing anything on the host.  Then
 *   drop to UID/GID with no supplementary groups (when UID differs); exec CMD.
 *   Doing this here keeps Python's subprocess on its fast spawn path.
 * launcher ns|host REPORT_FD CPU_MS WALL_MS FSIZE NPROC NOFILE AS DATA STACK FILTER -- PROG ARGS...
 *   Init of one run.  In "ns" mode it is PID 1 of the run's PID namespace
 *   (bwrap --as-pid-1, or cloned by the zygote) and kill(-1) reaches exactly the
 *   program's processes.
 *   In "host" mode (no bubblewrap) it is a child subreaper and the program gets
 *   its own session; leftovers are found by session id / parent pid.
 *   It forks the program, applies rlimits and the system-call filter in the
 *   child (FILTER "full", or "perf": the same but perf_event_open allowed for
 *   the perf meter), enforces a CPU-time limit over the whole process tree and
 *   a wall-time limit, kills every leftover process when the main process ends,
 *   reaps everything, and writes one line to REPORT_FD:
 *     status=<wait status> main_done=<0|1> timeout=<none|cpu|wall> exec_errno=<n>
 *     utime_us=<n> stime_us=<n> maxrss_kb=<n> wall_us=<n> seccomp=<0|1>
 *   CPU and RSS come from getrusage(RUSAGE_CHILDREN) after all processes are
 *   reaped: the program tree, not bubblewrap's setup and not this launcher.
 *   A limit of 0 means unlimited.
 * launcher zygote CTL_FD
 *   Init of a long-lived sandbox that starts one run per request (see zygote.c).
 *
 * The system-call filter is in filter.c.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int host_mode = 0;
static pid_t main_pid = 0;

static long long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* mkdir -p for a directory, or create an empty file, as a mount point */
static int make_mount_point(const char *path, int is_dir) {
  char buf[4096];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    if (mkdir(buf, 0755) != 0 && errno != EEXIST) return -1;
    *p = '/';
  }
  if (is_dir) return (mkdir(buf, 0755) == 0 || errno == EEXIST) ? 0 : -1;
  int fd = open(buf, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return errno == EISDIR ? 0 : -1;
  close(fd);
  return 0;
}

static int enter(int argc, char **argv) {
  if (argc < 6) return 125;
  uid_t uid = (uid_t)atol(argv[2]);
  gid_t gid = (gid_t)atol(argv[3]);
  int n = atoi(argv[4]);
  if (n < 0 || argc < 7 + n) {
    fprintf(stderr, "launcher enter: bad arguments\n");
    return 125;
  }
  int m = atoi(argv[5 + n]);
  char **ops = argv + 6 + n;
  int dash = 6 + n + 3 * m;
  if (m < 0 || argc < dash + 2 || strcmp(argv[dash], "--") != 0) {
    fprintf(stderr, "launcher enter: bad arguments\n");
    return 125;
  }
  char pid[32];
  int len = snprintf(pid, sizeof pid, "%d", (int)getpid());
  for (int i = 0; i < n; i++) {
    int fd = open(argv[5 + i], O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, pid, (size_t)len) != len) {
      fprintf(stderr, "launcher enter: cannot join cgroup %s: %s\n", argv[5 + i], strerror(errno));
      return 125;
    }
    close(fd);
  }
  int private_ns = 0;
  for (int i = 0; i < m; i++) {
    const char *kind = ops[3 * i], *src = ops[3 * i + 1], *dst = ops[3 * i + 2];
    int rc;
    if (!private_ns && strcmp(kind, "chdir") != 0) { /* mounts stay invisible to the host */
      if (unshare(CLONE_NEWNS) != 0 || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        fprintf(stderr, "launcher enter: cannot make a private mount namespace: %s\n", strerror(errno));
        return 125;
      }
      private_ns = 1;
    }
    if (strcmp(kind, "tmpfs") == 0) {
      rc = mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1048576");
    } else if (strcmp(kind, "chdir") == 0) {
      rc = chdir(dst);
    } else {
      struct stat st;
      int is_dir = stat(src, &st) == 0 && S_ISDIR(st.st_mode);
      rc = make_mount_point(dst, is_dir);
      if (rc == 0) rc = mount(src, dst, NULL, MS_BIND | MS_REC, NULL);
    }
    if (rc != 0) {
      fprintf(stderr, "launcher enter: cannot mount %s %s on %s: %s\n", kind, src, dst, strerror(errno));
      return 125;
    }
  }
  if (getuid() != uid || geteuid() != uid) {
    if (setgroups(0, NULL) != 0 || setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0) {
      fprintf(stderr, "launcher enter: cannot drop to uid %d: %s\n", (int)uid, strerror(errno));
      return 125;
    }
  }
  char **cmd = argv + dash + 1;
  execv(cmd[0], cmd);
  fprintf(stderr, "launcher enter: cannot execute %s: %s\n", cmd[0], strerror(errno));
  return 125;
}

int install_filter(int allow_perf); /* filter.c: the system-call filter; 0 or an errno */

static void set_limit(int resource, unsigned long long value, unsigned long long hard_extra) {
  if (value == 0) return;
  struct rlimit rl = {(rlim_t)value, (rlim_t)(value + hard_extra)};
  setrlimit(resource, &rl);
}

/* Parse utime+stime+cutime+cstime (ticks), ppid and session of /proc/PID/stat. */
static int read_stat(const char *pid, long long *ticks, long *ppid, long *sid) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%s/stat", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = 0;
  char *p = strrchr(buf, ')'); /* the command name may contain ')' and spaces */
  if (!p) return 0;
  unsigned long long ut = 0, st = 0;
  long long cut = 0, cst = 0;
  if (sscanf(p + 2, "%*c %ld %*d %ld %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld", ppid, sid, &ut, &st, &cut,
             &cst) != 6)
    return 0;
  *ticks = (long long)(ut + st) + cut + cst;
  return 1;
}

/* Does this process belong to the program's tree? */
static int ours(long ppid, long sid) {
  if (!host_mode) return 1; /* the PID namespace holds nothing else */
  return ppid == (long)getpid() || sid == (long)main_pid;
}

/* CPU (us) of the program's processes still alive; with kill_them, SIGKILL them. */
static long long scan_tree(int kill_them) {
  DIR *d = opendir("/proc");
  if (!d) return 0;
  long long total = 0;
  long ticks_per_s = sysconf(_SC_CLK_TCK);
  struct dirent *e;
  pid_t self = getpid();
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    pid_t pid = (pid_t)atoi(e->d_name);
    long long t;
    long ppid, sid;
    if (pid == self || !read_stat(e->d_name, &t, &ppid, &sid) || !ours(ppid, sid)) continue;
    total += t;
    if (kill_them) kill(pid, SIGKILL);
  }
  closedir(d);
  return total * 1000000LL / ticks_per_s;
}

static long long reaped_cpu_us(void) {
  struct rusage ru;
  getrusage(RUSAGE_CHILDREN, &ru);
  return (long long)ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec + (long long)ru.ru_stime.tv_sec * 1000000LL +
         ru.ru_stime.tv_usec;
}

static void kill_everything(void) {
  if (!host_mode) {
    kill(-1, SIGKILL); /* PID 1 of the namespace: every other process in it */
    return;
  }
  kill(-main_pid, SIGKILL);
  scan_tree(1);
}

int zygote(int argc, char **argv); /* zygote.c: the long-lived sandbox's init */

int init(int argc, char **argv) {
  if (argc < 14 || strcmp(argv[12], "--") != 0 || (strcmp(argv[11], "full") != 0 && strcmp(argv[11], "perf") != 0)) {
    fprintf(stderr,
            "launcher: usage: ns|host REPORT_FD CPU_MS WALL_MS FSIZE NPROC NOFILE AS DATA STACK full|perf -- PROG...\n");
    return 120;
  }
  host_mode = strcmp(argv[1], "host") == 0;
  int report_fd = atoi(argv[2]);
  long long cpu_ms = atoll(argv[3]), wall_ms = atoll(argv[4]);
  unsigned long long fsize = strtoull(argv[5], 0, 10), nproc = strtoull(argv[6], 0, 10);
  unsigned long long nofile = strtoull(argv[7], 0, 10), as = strtoull(argv[8], 0, 10);
  unsigned long long data = strtoull(argv[9], 0, 10), stack = strtoull(argv[10], 0, 10);
  int allow_perf = strcmp(argv[11], "perf") == 0;
  char **prog = argv + 13;
  fcntl(report_fd, F_SETFD, FD_CLOEXEC);
  if (host_mode) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);

  int errpipe[2]; /* {stage, errno} messages travel back through a close-on-exec pipe */
  if (pipe2(errpipe, O_CLOEXEC) != 0) return 121;

  long long t0 = now_us();
  pid_t child = fork();
  if (child < 0) return 122;
  if (child == 0) {
    sigprocmask(SIG_UNBLOCK, &chld, NULL);
    close(errpipe[0]);
    if (host_mode) setsid();
    if (cpu_ms > 0) set_limit(RLIMIT_CPU, (unsigned long long)(cpu_ms / 1000 + 1), 1);
    set_limit(RLIMIT_FSIZE, fsize, 0);
    set_limit(RLIMIT_NPROC, nproc, 0);
    set_limit(RLIMIT_NOFILE, nofile, 0);
    set_limit(RLIMIT_AS, as, 0);
    set_limit(RLIMIT_DATA, data, 0);
    set_limit(RLIMIT_STACK, stack, 0);
    struct rlimit core = {0, 0};
    setrlimit(RLIMIT_CORE, &core);
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    int msg[2] = {1, install_filter(allow_perf)}; /* last before exec: the program and all it starts inherit it */
    if (msg[1] != 0 && write(errpipe[1], msg, sizeof msg) < 0) _exit(127);
    execvp(prog[0], prog);
    msg[0] = 2;
    msg[1] = errno;
    if (write(errpipe[1], msg, sizeof msg) < 0) _exit(127);
    fprintf(stderr, "launcher: cannot execute %s: %s\n", prog[0], strerror(msg[1]));
    _exit(127);
  }
  main_pid = child;
  close(errpipe[1]);
  int exec_errno = 0, filter_errno = 0, msg[2];
  while (read(errpipe[0], msg, sizeof msg) == sizeof msg) {
    if (msg[0] == 1) filter_errno = msg[1];
    else exec_errno = msg[1];
  }
  close(errpipe[0]);

  int main_status = 0, main_done = 0;
  const char *timeout = "none";
  long long t_end = 0, poll_us = 2000;
  for (;;) {
    int st;
    pid_t p;
    struct rusage ru;
    while ((p = wait4(-1, &st, WNOHANG | __WALL, &ru)) > 0) {
      if (p == child) {
        main_status = st;
        main_done = 1;
        t_end = now_us();
      }
    }
    if (main_done) break;
    long long elapsed = now_us() - t0;
    if (wall_ms > 0 && elapsed >= wall_ms * 1000) {
      timeout = "wall";
      break;
    }
    if (cpu_ms > 0 && reaped_cpu_us() + scan_tree(0) >= cpu_ms * 1000) {
      timeout = "cpu";
      break;
    }
    /* sleep until a child changes state or the next limit check is due */
    struct timespec ts = {poll_us / 1000000, (poll_us % 1000000) * 1000};
    sigtimedwait(&chld, NULL, &ts);
    if (poll_us < 50000) poll_us += 4000;
  }
  if (!t_end) t_end = now_us();
  /* nothing of the program may outlive it: kill all, then reap all */
  for (;;) {
    kill_everything();
    int st;
    struct rusage ru;
    pid_t p = wait4(-1, &st, __WALL | (host_mode ? WNOHANG : 0), &ru);
    if (p < 0 && errno == ECHILD) break;
    if (p == child && !main_done) {
      main_status = st;
      main_done = 1;
    }
    if (p == 0) usleep(1000);
  }
  if (host_mode) scan_tree(1); /* session members whose parent was not ours */
  struct rusage all;
  getrusage(RUSAGE_CHILDREN, &all);
  char line[512];
  int n = snprintf(line, sizeof line,
                   "status=%d main_done=%d timeout=%s exec_errno=%d utime_us=%lld stime_us=%lld maxrss_kb=%ld "
                   "wall_us=%lld seccomp=%d\n",
                   main_status, main_done, timeout, exec_errno,
                   (long long)all.ru_utime.tv_sec * 1000000LL + all.ru_utime.tv_usec,
                   (long long)all.ru_stime.tv_sec * 1000000LL + all.ru_stime.tv_usec, all.ru_maxrss, t_end - t0,
                   filter_errno == 0);
  if (write(report_fd, line, (size_t)n) != n) return 123;
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "enter") == 0) return enter(argc, argv);
  if (argc >= 2 && (strcmp(argv[1], "ns") == 0 || strcmp(argv[1], "host") == 0)) return init(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "zygote") == 0) return zygote(argc, argv);
  fprintf(stderr, "launcher: first argument must be enter, ns, host or zygote\n");
  return 120;
}
