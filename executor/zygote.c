/* Zygote of the executor's long-lived sandbox: one per executor, started once inside bubblewrap.
 *
 * launcher zygote CTL_FD
 *   Runs as PID 1 of a bubblewrap sandbox that was started with CAP_SYS_ADMIN and CAP_SETPCAP in its
 *   user namespace, a read-only root and /dev, empty mount points /box, /prog and /tmp, and the compile
 *   cache's programs directory at /.programs.  For each request on CTL_FD (a SOCK_SEQPACKET socket) it
 *   clones P1 into new PID, mount, IPC and UTS namespaces.  P1, PID 1 of the run:
 *     mounts fresh size-capped tmpfs on /tmp, /box and /dev/shm, its own /proc, the program's
 *     directory read-only on /prog, and covers /.programs with an empty read-only tmpfs (other
 *     programs stay out of sight);
 *     with "hello" or "join" in the request sends a hello on the run socket (the host reads P1's host pid
 *     from its SCM_CREDENTIALS) and, with "join", waits for the go byte while the host moves it into the
 *     run's cgroups (else the zygote, and so P1, already lives in the run's cgroup, or there is none);
 *     enters a new cgroup namespace, drops every capability (bounding and ambient sets included)
 *     and runs `launcher ns` (init) with the run socket as REPORT_FD.
 *   When P1 has been reaped the zygote answers "done <wait status>" on CTL_FD.
 *
 * A request is one message of NUL-terminated strings with four fds (stdin, stdout, stderr, the run
 * socket) in SCM_RIGHTS:
 *   PROG_DIR (a name under /.programs, or "") TMPFS_BYTES join|hello|- N_ENV KEY=VALUE.. CPU_MS WALL_MS FSIZE NPROC
 *   NOFILE AS DATA STACK FILTER -- PROG ARGS...
 * The zygote exits at end of file on CTL_FD; the kernel then kills whatever is left in its namespace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int init(int argc, char **argv); /* launcher.c: the run's init */

#define MAX_REQUEST (256 * 1024)
#define MAX_ARGS 4096

static char request[MAX_REQUEST];

static int fail(const char *what, const char *path) {
  fprintf(stderr, "launcher zygote: cannot %s %s: %s\n", what, path, strerror(errno));
  return 125;
}

static int mount_tmpfs(const char *path, const char *size) {
  char opts[64];
  snprintf(opts, sizeof opts, "mode=0755,size=%s", size);
  return mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, opts);
}

/* bounding, ambient, effective, permitted and inheritable sets all emptied */
static int drop_capabilities(void) {
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) return -1;
  for (int cap = 0; cap <= 63; cap++) {
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) return -1;
  }
  struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2];
  memset(data, 0, sizeof data);
  return (int)syscall(SYS_capset, &header, data);
}

/* P1 of one run; fds[] = stdin, stdout, stderr, run socket; never returns */
static void run_child(int ctl, int fds[4], char **words, int nwords) {
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  close(ctl);
  for (int i = 0; i < 4; i++) { /* out of the way of 0..3 first, so no dup2 below clobbers another */
    int high = fcntl(fds[i], F_DUPFD, 16);
    if (high < 0) _exit(fail("duplicate", "fd"));
    close(fds[i]);
    fds[i] = high;
  }
  for (int i = 0; i < 4; i++) {
    if (dup2(fds[i], i) < 0) _exit(fail("duplicate", "fd"));
    close(fds[i]);
  }
  setsid();
  const char *prog = words[0], *size = words[1];
  int wait_go = strcmp(words[2], "join") == 0, greet = wait_go || strcmp(words[2], "hello") == 0;
  int nenv = atoi(words[3]), first = 4 + nenv;
  if (nenv < 0 || first >= nwords) _exit(fail("parse", "request"));
  if (mount_tmpfs("/tmp", size) != 0) _exit(fail("mount tmpfs on", "/tmp"));
  if (mount_tmpfs("/box", size) != 0) _exit(fail("mount tmpfs on", "/box"));
  if (mount_tmpfs("/dev/shm", size) != 0) _exit(fail("mount tmpfs on", "/dev/shm"));
  if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) _exit(fail("mount", "/proc"));
  if (prog[0]) {
    char src[4096];
    if (strchr(prog, '/') || strcmp(prog, ".") == 0 || strcmp(prog, "..") == 0) _exit(fail("accept", prog));
    snprintf(src, sizeof src, "/.programs/%s", prog);
    if (mount(src, "/prog", NULL, MS_BIND, NULL) != 0 ||
        mount(NULL, "/prog", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) != 0)
      _exit(fail("bind", src));
  }
  /* bubblewrap's mounts are locked in this user namespace: cover what the run must not see */
  if (mount("tmpfs", "/.programs", "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0") != 0)
    _exit(fail("cover", "/.programs"));
  if (chdir("/box") != 0) _exit(fail("chdir", "/box"));
  /* the run, not the zygote beside it in the cgroup, is what an out-of-memory kill should pick */
  int adj = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (adj >= 0) {
    ssize_t refused = write(adj, "500", 3) != 3; /* as it should be when a higher score was inherited */
    (void)refused;
    close(adj);
  }
  clearenv();
  for (int i = 0; i < nenv; i++) putenv(words[4 + i]);
  char hello = 'h', go = 'g';
  if (greet && write(3, &hello, 1) != 1) _exit(124);
  if (wait_go && (read(3, &go, 1) != 1 || go != 'g')) _exit(124);
  unshare(CLONE_NEWCGROUP); /* its root is now the run's cgroup, as bubblewrap's --unshare-cgroup-try gives */
  if (drop_capabilities() != 0) _exit(fail("drop", "capabilities"));
  char *argv[MAX_ARGS + 3];
  int argc = 0;
  argv[argc++] = "launcher";
  argv[argc++] = "ns";
  argv[argc++] = "3";
  for (int i = first; i < nwords && argc < MAX_ARGS + 2; i++) argv[argc++] = words[i];
  argv[argc] = NULL;
  _exit(init(argc, argv));
}

/* one request: clone P1, wait for it, answer; 0, or -1 at end of file */
static int serve(int ctl) {
  char control[CMSG_SPACE(4 * sizeof(int))];
  struct iovec iov = {request, sizeof request - 1};
  struct msghdr msg = {0};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n = recvmsg(ctl, &msg, MSG_CMSG_CLOEXEC);
  if (n <= 0) return n == 0 || errno != EINTR ? -1 : 0;
  int fds[4], nfds = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    int count = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
    for (int i = 0; i < count; i++) {
      int fd;
      memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      if (nfds < 4) fds[nfds++] = fd;
      else close(fd);
    }
  }
  request[n] = 0;
  static char *words[MAX_ARGS + 16];
  int nwords = 0;
  for (char *p = request; p < request + n && nwords < MAX_ARGS + 16; p += strlen(p) + 1) words[nwords++] = p;
  char answer[64];
  if (nfds != 4 || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || nwords < 5) {
    snprintf(answer, sizeof answer, "error bad request");
  } else {
    pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | SIGCHLD, 0, 0, 0, 0);
    if (pid == 0) run_child(ctl, fds, words, nwords);
    int status = 0;
    if (pid < 0) {
      snprintf(answer, sizeof answer, "error clone %d", errno);
    } else {
      while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR) {
      }
      snprintf(answer, sizeof answer, "done %d", status);
    }
  }
  for (int i = 0; i < nfds; i++) close(fds[i]);
  return send(ctl, answer, strlen(answer), MSG_NOSIGNAL) < 0 ? -1 : 0;
}

int zygote(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "launcher: usage: zygote CTL_FD\n");
    return 120;
  }
  int ctl = atoi(argv[2]);
  /* a mount namespace of this user namespace (bubblewrap's belongs to its parent), private so that no
     run's mounts propagate back into it */
  if (unshare(CLONE_NEWNS) != 0) return fail("unshare", "mount namespace");
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) return fail("make private", "/");
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL); /* runs start with no signal blocked */
  if (send(ctl, "ready", 5, MSG_NOSIGNAL) != 5) return fail("greet", "the host");
  while (serve(ctl) == 0) {
  }
  return 0;
}
