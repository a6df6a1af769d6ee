// timing_harness: runs several commands in alternation and reports wall time and peak RSS.
//
//   timing_harness [-n RUNS] [-w WARMUP] [-o RAW.tsv] LABEL CMD ARGS... [';;' LABEL CMD ARGS...]...
//
// Each iteration runs every command once, in the order given (A B C A B C ...), so slow drifts
// of the machine hit all of them alike. In arguments, "{}" is replaced by the iteration number
// (warm-up runs use w0, w1, ...), which lets each run use a fresh container id. The clock is
// CLOCK_MONOTONIC read just before fork() and just after wait4() returns; the peak RSS is
// ru_maxrss from wait4(), i.e. the largest resident set of the command or of any descendant it
// waited for (what GNU time's %M prints). The commands' stdin is /dev/null and their output is
// discarded; a run that exits non-zero is reported and counted, and its time is still recorded.
//
// Output, one line per command after all runs:
//   LABEL median_ms p90_ms mean_ms min_ms max_ms rss_median_kib rss_max_kib runs failures
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 16

struct command {
    const char* label;
    char** argv;  // template, with "{}"
    int argc;
    double* ms;
    long* rss;
    int failures;
};

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// A copy of s with every "{}" replaced by tag.
static char* substitute(const char* s, const char* tag) {
    size_t n = 0;
    for (const char* p = s; (p = strstr(p, "{}")); p += 2) n++;
    char* out = malloc(strlen(s) + n * strlen(tag) + 1);
    char* o = out;
    while (*s) {
        if (s[0] == '{' && s[1] == '}') {
            o = stpcpy(o, tag);
            s += 2;
        } else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
}

static int run_once(struct command* c, const char* tag, double* ms, long* rss_kib) {
    char* argv[c->argc + 1];
    for (int i = 0; i < c->argc; i++) argv[i] = substitute(c->argv[i], tag);
    argv[c->argc] = NULL;
    double start = now_ms();
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(2);
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        if (null > 2) close(null);
        execvp(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            perror("wait4");
            exit(2);
        }
    }
    *ms = now_ms() - start;
    *rss_kib = ru.ru_maxrss;
    for (int i = 0; i < c->argc; i++) free(argv[i]);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    fprintf(stderr, "timing_harness: %s run %s failed (status 0x%x)\n", c->label, tag, status);
    return -1;
}

static int cmp_double(const void* a, const void* b) {
    double x = *(const double*)a, y = *(const double*)b;
    return (x > y) - (x < y);
}

static int cmp_long(const void* a, const void* b) {
    long x = *(const long*)a, y = *(const long*)b;
    return (x > y) - (x < y);
}

// Nearest-rank percentile of a sorted array.
static double percentile(const double* v, int n, double p) {
    int rank = (int)(p / 100.0 * n + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return v[rank - 1];
}

static double median(const double* v, int n) { return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2; }

int main(int argc, char** argv) {
    int runs = 50, warmup = 3;
    const char* raw_path = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "+n:w:o:")) != -1) {
        switch (opt) {
            case 'n': runs = atoi(optarg); break;
            case 'w': warmup = atoi(optarg); break;
            case 'o': raw_path = optarg; break;
            default:
                fprintf(stderr, "usage: %s [-n RUNS] [-w WARMUP] [-o RAW] LABEL CMD... [';;' LABEL CMD...]...\n", argv[0]);
                return 2;
        }
    }
    if (runs < 1 || optind >= argc) {
        fprintf(stderr, "timing_harness: nothing to run\n");
        return 2;
    }

    struct command cmds[MAX_CMDS];
    int ncmds = 0;
    for (int i = optind; i < argc;) {
        if (ncmds == MAX_CMDS) {
            fprintf(stderr, "timing_harness: at most %d commands\n", MAX_CMDS);
            return 2;
        }
        struct command* c = &cmds[ncmds++];
        c->label = argv[i++];
        c->argv = &argv[i];
        c->argc = 0;
        while (i < argc && strcmp(argv[i], ";;") != 0) {
            i++;
            c->argc++;
        }
        if (i < argc) argv[i++] = NULL;
        if (c->argc == 0) {
            fprintf(stderr, "timing_harness: %s has no command\n", c->label);
            return 2;
        }
        c->ms = calloc(runs, sizeof(double));
        c->rss = calloc(runs, sizeof(long));
        c->failures = 0;
    }

    char tag[32];
    double ms;
    long rss;
    for (int w = 0; w < warmup; w++) {
        snprintf(tag, sizeof tag, "w%d", w);
        for (int c = 0; c < ncmds; c++) run_once(&cmds[c], tag, &ms, &rss);
    }
    FILE* raw = raw_path ? fopen(raw_path, "w") : NULL;
    if (raw) fprintf(raw, "label\trun\tms\tmaxrss_kib\tok\n");
    for (int r = 0; r < runs; r++) {
        snprintf(tag, sizeof tag, "%d", r);
        for (int c = 0; c < ncmds; c++) {
            int rc = run_once(&cmds[c], tag, &cmds[c].ms[r], &cmds[c].rss[r]);
            if (rc < 0) cmds[c].failures++;
            if (raw) fprintf(raw, "%s\t%d\t%.3f\t%ld\t%d\n", cmds[c].label, r, cmds[c].ms[r], cmds[c].rss[r], rc == 0);
        }
    }
    if (raw) fclose(raw);

    for (int c = 0; c < ncmds; c++) {
        struct command* k = &cmds[c];
        double sum = 0;
        for (int r = 0; r < runs; r++) sum += k->ms[r];
        qsort(k->ms, runs, sizeof(double), cmp_double);
        qsort(k->rss, runs, sizeof(long), cmp_long);
        printf("%s %.3f %.3f %.3f %.3f %.3f %ld %ld %d %d\n", k->label, median(k->ms, runs), percentile(k->ms, runs, 90),
               sum / runs, k->ms[0], k->ms[runs - 1], k->rss[runs / 2], k->rss[runs - 1], runs, k->failures);
    }
    return 0;
}
