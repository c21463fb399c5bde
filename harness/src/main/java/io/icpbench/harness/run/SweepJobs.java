package io.icpbench.harness.run;

import io.icpbench.harness.Main;
import io.icpbench.results.ResultsFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A sweep as a job for an existing scheduler: a Slurm job array ({@code sweep.sbatch}) or a
 * Kubernetes Indexed Job ({@code sweep-job.yaml}), one array task (completion index) per point, each
 * running {@code icpbench sweep --resume SWEEP --point N}: the point's {@code icpbench run} into
 * SWEEP/point-NNN, resumed if the task restarts, and on another machine continued in a run of that
 * machine's own ({@link SweepPlan#decide}). {@code icpbench sweep --collect SWEEP} reads the results.
 */
public final class SweepJobs {
    public static final List<String> KINDS = List.of("slurm", "k8s");
    static final String SBATCH = "sweep.sbatch";
    static final String K8S = "sweep-job.yaml";
    static final String POINTS = "points.tsv";

    private SweepJobs() {
    }

    /** Writes the job for {@code kind} into {@code emitDir} and prints how to submit and collect it. */
    public static void emit(PrintStream out, String kind, SweepPlan plan, Path sweepDir, Path emitDir, List<String> sbatch) throws IOException {
        Files.createDirectories(emitDir);
        Path sweep = sweepDir.toAbsolutePath().normalize();
        ResultsFiles.atomicWrite(emitDir.resolve(POINTS), points(plan, sweep).getBytes(StandardCharsets.UTF_8));
        if (kind.equals("slurm")) {
            Path logs = emitDir.toAbsolutePath().normalize().resolve("logs");
            Files.createDirectories(logs);
            Path script = emitDir.resolve(SBATCH);
            ResultsFiles.atomicWrite(script, slurm(plan, sweep, script.toAbsolutePath().normalize(), logs, command(), sbatch).getBytes(StandardCharsets.UTF_8));
            try {
                Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: sbatch reads it anyway
            }
            out.printf(Locale.ROOT, "%nwrote %s (a job array of %d tasks, one per point; logs in %s/point-N.log) and %s (the points)%n", script,
                    plan.points().size(), logs, emitDir.resolve(POINTS));
            out.println("submit:  sbatch " + SweepText.quote(script.toString()));
            out.println("         (sbatch --wait ... to wait for every task; a task that restarts resumes its point)");
        } else {
            Path yaml = emitDir.resolve(K8S);
            ResultsFiles.atomicWrite(yaml, k8s(plan, sweep).getBytes(StandardCharsets.UTF_8));
            out.printf(Locale.ROOT, "%nwrote %s (an Indexed Job of %d completions, one per point) and %s (the points)%n", yaml, plan.points().size(),
                    emitDir.resolve(POINTS));
            out.println("edit its image and volume (see the comments at its top), then:  kubectl apply -f " + SweepText.quote(yaml.toString()));
        }
        out.println("collect: icpbench sweep --collect " + SweepText.quote(sweep.toString()) + "   (sweep.json, sweep.md, sweep.html in it)");
    }

    /**
     * The command line that runs this icpbench: this JVM's java, the flags every icpbench JVM gets and
     * its class path, so that every task runs the same build without building on the node.
     */
    static List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(io.icpbench.harness.host.JvmFlags.NETTY);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        return cmd;
    }

    /** The point list, one line a point: index, directory, settings, the run's options. */
    static String points(SweepPlan plan, Path sweep) {
        StringBuilder b = new StringBuilder("# index\tdirectory\tsettings\testimated seconds\ticpbench run options (the task runs: icpbench sweep --resume "
                + sweep + " --point INDEX)\n");
        for (SweepPlan.Point p : plan.points()) {
            b.append(p.index()).append('\t').append(sweep.resolve(p.name())).append('\t').append(p.describe()).append('\t')
                    .append(Math.round(p.estimatedSeconds())).append('\t')
                    .append(String.join(" ", p.runArgs(plan.common(), sweep, p.forks(), p.seed()).stream().map(SweepText::quote).toList()))
                    .append('\n');
        }
        return b.toString();
    }

    /** Minutes a task may run: twice the longest point's estimate and 10 minutes more (the JVM starts, a slow node). */
    static long timeLimitMinutes(SweepPlan plan) {
        double max = plan.points().stream().mapToDouble(SweepPlan.Point::estimatedSeconds).max().orElse(0);
        return (long) Math.ceil((2 * max + 600) / 60);
    }

    /** The Slurm job array script. */
    static String slurm(SweepPlan plan, Path sweep, Path script, Path logs, List<String> icpbench, List<String> extra) {
        int n = plan.points().size();
        StringBuilder b = new StringBuilder("#!/bin/bash\n");
        b.append("# icpbench sweep as a Slurm job array: one array task per point of ").append(sweep.resolve(SweepPlan.FILE)).append(" (")
                .append(n).append(" points).\n");
        b.append("# Each task runs 'icpbench sweep --resume SWEEP --point $SLURM_ARRAY_TASK_ID': the point's icpbench run into\n");
        b.append("# SWEEP/point-NNN. A task that restarts (requeued, or this script submitted again) resumes its point; finished points\n");
        b.append("# are kept; a point started on another node gets its missing blocks run in SWEEP/point-NNN@HOST (machines are never\n");
        b.append("# mixed in one run). Tasks take a whole node (--exclusive): a benchmark shares its cores with nothing.\n");
        b.append("#   submit:  sbatch ").append(SweepText.quote(script.toString())).append("\n");
        b.append("#   collect: icpbench sweep --collect ").append(SweepText.quote(sweep.toString())).append("\n");
        b.append("#SBATCH --job-name=icpbench-sweep\n");
        b.append("#SBATCH --array=0-").append(n - 1).append('\n');
        b.append("#SBATCH --nodes=1\n#SBATCH --ntasks=1\n#SBATCH --exclusive\n");
        if (extra.stream().noneMatch(o -> o.startsWith("--time") || o.startsWith("-t"))) {
            b.append("#SBATCH --time=").append(timeLimitMinutes(plan)).append("   # minutes: twice the longest point's estimate, and 10 more\n");
        }
        b.append("#SBATCH --output=").append(logs.resolve("point-%a.log")).append('\n');
        b.append("#SBATCH --open-mode=append\n#SBATCH --requeue\n");
        for (String o : extra) {
            b.append("#SBATCH ").append(o).append('\n');
        }
        b.append("set -euo pipefail\n");
        String home = System.getenv("ICPBENCH_HOME");
        if (home != null) {
            b.append("export ICPBENCH_HOME=").append(SweepText.quote(home)).append('\n');
        }
        b.append("SWEEP=").append(SweepText.quote(sweep.toString())).append('\n');
        b.append("# This icpbench build, as the sweep was planned with (edit to run another one):\n");
        b.append("ICPBENCH=(").append(String.join(" ", icpbench.stream().map(SweepText::quote).toList())).append(")\n");
        b.append("echo \"icpbench sweep: point ${SLURM_ARRAY_TASK_ID} of 0-").append(n - 1)
                .append(", job ${SLURM_ARRAY_JOB_ID:-?}, on $(hostname), $(date -u +%Y-%m-%dT%H:%M:%SZ)\"\n");
        b.append("exec \"${ICPBENCH[@]}\" sweep --resume \"$SWEEP\" --point \"$SLURM_ARRAY_TASK_ID\"\n");
        return b.toString();
    }

    /** The Kubernetes Indexed Job: one completion index per point, the sweep directory on a shared volume. */
    static String k8s(SweepPlan plan, Path sweep) {
        int n = plan.points().size();
        return "# icpbench sweep as a Kubernetes Indexed Job: one completion index per point of " + sweep.resolve(SweepPlan.FILE) + " (" + n
                + " points).\n"
                + "# Fill in before 'kubectl apply -f': the image (JDK 25 and this icpbench build, its launcher at /icpbench/icpbench) and the\n"
                + "# volume that holds the sweep directory (a ReadWriteMany PersistentVolumeClaim; its content mounted at " + sweep + ").\n"
                + "# Each pod runs 'icpbench sweep --resume SWEEP --point $JOB_COMPLETION_INDEX'; a pod that restarts resumes its point,\n"
                + "# and ICPBENCH_HOST names the node (not the pod) as the machine. Collect: icpbench sweep --collect " + sweep + "\n"
                + "apiVersion: batch/v1\n"
                + "kind: Job\n"
                + "metadata:\n"
                + "  name: icpbench-sweep\n"
                + "spec:\n"
                + "  completionMode: Indexed\n"
                + "  completions: " + n + "\n"
                + "  parallelism: 1          # raise it with one node per pod (see the anti-affinity below)\n"
                + "  backoffLimit: " + (2 * n) + "\n"
                + "  template:\n"
                + "    metadata:\n"
                + "      labels:\n"
                + "        app: icpbench-sweep\n"
                + "    spec:\n"
                + "      restartPolicy: OnFailure\n"
                + "      affinity:\n"
                + "        podAntiAffinity:     # a benchmark shares its node with no other point\n"
                + "          requiredDuringSchedulingIgnoredDuringExecution:\n"
                + "          - labelSelector:\n"
                + "              matchLabels:\n"
                + "                app: icpbench-sweep\n"
                + "            topologyKey: kubernetes.io/hostname\n"
                + "      containers:\n"
                + "      - name: point\n"
                + "        image: IMAGE         # fill in\n"
                + "        command: [\"/icpbench/icpbench\", \"sweep\", \"--resume\", \"" + sweep + "\", \"--point\", \"$(JOB_COMPLETION_INDEX)\"]\n"
                + "        env:\n"
                + "        - name: ICPBENCH_HOST\n"
                + "          valueFrom:\n"
                + "            fieldRef:\n"
                + "              fieldPath: spec.nodeName\n"
                + "        resources:\n"
                + "          requests:\n"
                + "            cpu: \"2\"\n"
                + "          limits:\n"
                + "            cpu: \"2\"\n"
                + "        volumeMounts:\n"
                + "        - name: sweep\n"
                + "          mountPath: " + sweep + "\n"
                + "      volumes:\n"
                + "      - name: sweep\n"
                + "        persistentVolumeClaim:\n"
                + "          claimName: icpbench-sweep   # fill in\n";
    }
}
