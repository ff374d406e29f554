/* The system-call filter of the executor's sandbox (seccomp BPF, no library), installed by the launcher in
 * the program just before exec.
 *
 * Calls no contest program or compiler needs fail with EPERM: debugging other processes, mounts and
 * namespaces, kernel keyrings, BPF, perf counters, modules, kexec, reboot, swap, clock setting, io_uring
 * and the like; clone() with namespace flags too, and clone3 (whose flags it cannot read) with ENOSYS so
 * that libc falls back to clone.  A call from another architecture's ABI (int 0x80, x32) kills the process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#ifndef SECCOMP_RET_KILL_PROCESS /* headers older than Linux 4.14 */
#define SECCOMP_RET_KILL_PROCESS SECCOMP_RET_KILL
#endif
#if defined(__x86_64__)
#define FILTER_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define FILTER_ARCH AUDIT_ARCH_AARCH64
#endif

#ifdef FILTER_ARCH
/* every call here fails with EPERM in the program */
static const int denied_calls[] = {
    __NR_ptrace, __NR_process_vm_readv, __NR_process_vm_writev, __NR_mount, __NR_umount2, __NR_pivot_root,
    __NR_chroot, __NR_setns, __NR_unshare, __NR_bpf, __NR_keyctl, __NR_add_key, __NR_request_key,
    __NR_perf_event_open, __NR_kexec_load, __NR_init_module, __NR_finit_module, __NR_delete_module, __NR_swapon,
    __NR_swapoff, __NR_reboot, __NR_open_by_handle_at, __NR_name_to_handle_at, __NR_acct, __NR_quotactl,
    __NR_syslog, __NR_settimeofday, __NR_clock_settime, __NR_adjtimex, __NR_clock_adjtime, __NR_sethostname,
    __NR_setdomainname, __NR_vhangup, __NR_lookup_dcookie, __NR_fanotify_init, __NR_kcmp,
#ifdef __NR_kexec_file_load
    __NR_kexec_file_load,
#endif
#ifdef __NR_userfaultfd
    __NR_userfaultfd,
#endif
#ifdef __NR_quotactl_fd
    __NR_quotactl_fd,
#endif
#ifdef __NR_io_uring_setup
    __NR_io_uring_setup, __NR_io_uring_enter, __NR_io_uring_register,
#endif
#ifdef __NR_open_tree
    __NR_open_tree, __NR_move_mount, __NR_fsopen, __NR_fsconfig, __NR_fsmount, __NR_fspick,
#endif
#ifdef __NR_mount_setattr
    __NR_mount_setattr,
#endif
#ifdef __NR_pidfd_getfd
    __NR_pidfd_getfd,
#endif
#ifdef __NR_process_madvise
    __NR_process_madvise,
#endif
#if defined(__x86_64__)
    __NR_iopl, __NR_ioperm, __NR_uselib, __NR__sysctl, __NR_create_module, __NR_get_kernel_syms,
    __NR_query_module, __NR_nfsservctl,
#endif
};
#endif

#define NS_FLAGS                                                                                                 \
  (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | \
   0x00000080 /* CLONE_NEWTIME */)
#define DENY(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM)

/* Install the filter in this process (inherited by everything it execs and forks); 0 or an errno. */
int install_filter(int allow_perf) {
#ifndef FILTER_ARCH
  (void)allow_perf;
  return ENOSYS;
#else
  enum { N = sizeof denied_calls / sizeof denied_calls[0] };
  struct sock_filter prog[8 + 2 * N + 8];
  int k = 0;
  prog[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
  prog[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FILTER_ARCH, 1, 0);
  prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
  prog[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
#if defined(__x86_64__)
  prog[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000 /* x32 ABI */, 0, 1);
  prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
#endif
  for (int i = 0; i < (int)N; i++) {
    if (allow_perf && denied_calls[i] == __NR_perf_event_open) continue;
    struct sock_filter deny[2] = {DENY(denied_calls[i])};
    prog[k++] = deny[0];
    prog[k++] = deny[1];
  }
#ifdef __NR_clone3
  prog[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1);
  prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
#endif
  /* clone(flags, ...) on x86_64 and arm64; the namespace flags are in the low word */
  prog[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 3);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  prog[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]));
#else
  prog[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]) + 4);
#endif
  prog[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, NS_FLAGS, 0, 1);
  prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
  prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  struct sock_fprog fprog = {(unsigned short)k, prog};
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) != 0) return errno;
  return 0;
#endif
}
