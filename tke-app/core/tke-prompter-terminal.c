/* tke-prompter-terminal.c: the prompter of tkectl.  Questions go to a stream
 * (stderr by default, so that stdout carries only results); answers are read
 * one line per prompt straight from the file descriptor, a byte at a time, so
 * that no stdio buffer keeps a copy of a password and a script can feed the
 * answers on a pipe.  On a terminal, secrets are read without echo. */
#include "tke-prompter-lines.h"

#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <termios.h>
#include <unistd.h>

/* Longest answer accepted; a longer line is cut (and the rest discarded). */
#define LINE_MAX_LEN 1024

typedef struct
{
  TkeLinePrompter parent;
  int in_fd;
  FILE *out;
} TerminalPrompter;

static char *
terminal_read_line (TkeLinePrompter *lp, gboolean secret)
{
  TerminalPrompter *self = (TerminalPrompter *)lp;
  char buf[LINE_MAX_LEN];
  gsize len = 0;
  gboolean got_any = FALSE, newline = FALSE;
  struct termios saved, quiet;
  gboolean echo_off = FALSE;
  char *line = NULL;

  fflush (self->out);
  if (secret && isatty (self->in_fd) && tcgetattr (self->in_fd, &saved) == 0)
    {
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t)ECHO;
      quiet.c_lflag |= ECHONL;
      echo_off = tcsetattr (self->in_fd, TCSAFLUSH, &quiet) == 0;
    }

  for (;;)
    {
      char c;
      ssize_t n = read (self->in_fd, &c, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      got_any = TRUE;
      if (c == '\n')
        {
          newline = TRUE;
          break;
        }
      if (len < sizeof buf - 1)
        buf[len++] = c;
      secure_clear (&c, sizeof c);
    }

  if (echo_off)
    tcsetattr (self->in_fd, TCSAFLUSH, &saved);
  if (len > 0 && buf[len - 1] == '\r')
    len--;
  if (got_any || newline)
    {
      line = g_malloc (len + 1);
      memcpy (line, buf, len);
      line[len] = '\0';
      /* Answers from a script: show them as a person would have typed them,
       * secrets masked, so that the transcript reads like a session. */
      if (!isatty (self->in_fd))
        {
          fputs (secret ? "********" : line, self->out);
          fputc ('\n', self->out);
        }
    }
  secure_clear (buf, sizeof buf);
  return line;
}

static void
terminal_write (TkeLinePrompter *lp, const char *text)
{
  TerminalPrompter *self = (TerminalPrompter *)lp;
  fputs (text, self->out);
  fflush (self->out);
}

TkePrompter *
tke_prompter_new_terminal (FILE *in, FILE *out)
{
  TerminalPrompter *self = g_new0 (TerminalPrompter, 1);

  tke_line_prompter_init (&self->parent);
  self->parent.read_line = terminal_read_line;
  self->parent.write = terminal_write;
  self->parent.finalize = (void (*) (TkeLinePrompter *))g_free;
  self->in_fd = fileno (in ? in : stdin);
  self->out = out ? out : stderr;
  return &self->parent.parent;
}
