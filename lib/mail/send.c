/*
 * send.c - a message piped to the sendmail command, which is run by the
 * shell as git runs sendemail.sendmailCmd, so that kontora.conf may quote
 * its arguments.  Only the command's exit status says whether the
 * message went: 0 is sent, anything else is not.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mail/mail.h"

/* Writes the len bytes of msg to fd with SIGPIPE blocked, so that a
 * command that exits without reading them all is an error to report and
 * not a signal that kills the caller.  Returns 0 or the errno of the
 * write that failed. */
static int feed(int fd, const char *msg, size_t len)
{
	sigset_t pipe_set, old;
	int rc = 0;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	while (len && !rc) {
		ssize_t n = write(fd, msg, len);
		if (n < 0 && errno != EINTR)
			rc = errno;
		else if (n > 0) {
			msg += n;
			len -= (size_t)n;
		}
	}
	/* The SIGPIPE of the failed write is pending: take it before the
	 * mask is restored, unless the caller blocks it anyway. */
	if (rc == EPIPE && !sigismember(&old, SIGPIPE))
		sigtimedwait(&pipe_set, NULL, &(struct timespec){ 0 });
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

/* Says how the command cmd ended (status as waitpid() gave it, werr the
 * errno of writing the message to it).  Returns 0 when it took the whole
 * message and exited 0, else KT_EIO. */
static int ended(const char *cmd, int status, int werr, struct kt_error *err)
{
	if (WIFSIGNALED(status))
		return kt_error_set(err, KT_EIO, "mail not sent: \"%s\" was killed by signal %d",
		                    cmd, WTERMSIG(status));
	int code = WEXITSTATUS(status);
	if (code == 127)
		return kt_error_set(err, KT_EIO, "mail not sent: \"%s\": command not found "
		                    "(exit 127)", cmd);
	if (code)
		return kt_error_set(err, KT_EIO, "mail not sent: \"%s\" exited with status %d",
		                    cmd, code);
	if (werr)
		return kt_error_set(err, KT_EIO, "mail not sent: \"%s\" did not read the "
		                    "message: %s", cmd, strerror(werr));
	return 0;
}

/* Pipes a message to sendmail.  See kontora.h. */
int kt_mail_send(const char *sendmail, const char *msg, size_t len, struct kt_error *err)
{
	const char *cmd = sendmail && *sendmail ? sendmail : KT_SENDMAIL_DEFAULT;
	int fds[2], status;

	if (pipe2(fds, O_CLOEXEC))
		return kt_error_set(err, KT_EIO, "mail not sent: pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(fds[0]);
		close(fds[1]);
		return kt_error_set(err, KT_EIO, "mail not sent: fork: %s", strerror(e));
	}
	if (!pid) {
		/* The message on its standard input; what it prints on the
		 * caller's standard error, as standard output is for data. */
		if (dup2(fds[0], 0) < 0 || dup2(2, 1) < 0)
			_exit(126);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	int werr = feed(fds[1], msg, len);
	close(fds[1]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return kt_error_set(err, KT_EIO, "mail not sent: waiting for \"%s\": %s",
			                    cmd, strerror(errno));
	return ended(cmd, status, werr, err);
}
