# shellcheck shell=bash
# Sourced by ./icpbench and ./run-tests: finds JDK 25 and Maven.
#
# On success it exports JAVA_HOME (a JDK 25), puts $JAVA_HOME/bin first on PATH,
# exports ICPBENCH_MVN (the mvn to run) and appends to MAVEN_OPTS the flag that
# silences Maven's own sun.misc.Unsafe warning on JDK 25 (see icpbench_maven_opts).
# On failure it prints what is missing and how to fix it, and returns 1.
#
# Knobs:
#   JAVA_HOME               used first, if it is a JDK 25
#   ICPBENCH_JDK_GLOB       where to look next (default /usr/lib/jvm/temurin-25*);
#                           the newest match that is a JDK 25 wins
#   ICPBENCH_MVN            the mvn to use (default: mvn on PATH)
#   ICPBENCH_REQUIRE_MVN=0  set by a caller that looks for Maven later itself,
#                           with icpbench_find_mvn, only when it needs to build

ICPBENCH_JDK_MAJOR=25

# Prints the major version of the java binary $1 ("25" for 25.0.3, "8" for 1.8.0).
icpbench_java_major() {
  local out re='version "([0-9]+)(\.([0-9]+))?'
  out=$("$1" -version 2>&1) || return 1
  [[ $out =~ $re ]] || return 1
  if [[ ${BASH_REMATCH[1]} == 1 && -n ${BASH_REMATCH[3]} ]]; then
    printf '%s\n' "${BASH_REMATCH[3]}"
  else
    printf '%s\n' "${BASH_REMATCH[1]}"
  fi
}

# Succeeds if $1 is a JDK (java and javac) of the major version we need.
icpbench_is_jdk25() {
  [[ -n $1 && -x $1/bin/java && -x $1/bin/javac ]] || return 1
  [[ $(icpbench_java_major "$1/bin/java") == "$ICPBENCH_JDK_MAJOR" ]]
}

icpbench_find_jdk() {
  local glob=${ICPBENCH_JDK_GLOB:-/usr/lib/jvm/temurin-${ICPBENCH_JDK_MAJOR}*}
  local why_home candidate found="" major
  local -a candidates=()

  if [[ -n ${JAVA_HOME:-} ]]; then
    if icpbench_is_jdk25 "$JAVA_HOME"; then
      found=$JAVA_HOME
    elif [[ ! -x $JAVA_HOME/bin/java ]]; then
      why_home="JAVA_HOME=$JAVA_HOME has no bin/java"
    elif major=$(icpbench_java_major "$JAVA_HOME/bin/java"); [[ $major != "$ICPBENCH_JDK_MAJOR" ]]; then
      why_home="JAVA_HOME=$JAVA_HOME is Java ${major:-of unknown version}"
    else
      why_home="JAVA_HOME=$JAVA_HOME is a Java $ICPBENCH_JDK_MAJOR runtime without javac"
    fi
  else
    why_home="JAVA_HOME is not set"
  fi

  if [[ -z $found ]]; then
    # Newest first: version-sort the matches and walk them backwards.
    mapfile -t candidates < <(compgen -G "$glob" | sort -V -r)
    for candidate in "${candidates[@]}"; do
      if icpbench_is_jdk25 "$candidate"; then
        found=$candidate
        break
      fi
    done
  fi

  if [[ -z $found ]]; then
    if ((${#candidates[@]} == 0)); then
      echo "icpbench: JDK $ICPBENCH_JDK_MAJOR not found: $why_home and no $glob exists." \
        "Install Temurin $ICPBENCH_JDK_MAJOR or set JAVA_HOME to a JDK $ICPBENCH_JDK_MAJOR." >&2
    else
      echo "icpbench: JDK $ICPBENCH_JDK_MAJOR not found: $why_home and none of" \
        "${candidates[*]} is a JDK $ICPBENCH_JDK_MAJOR (bin/java and bin/javac)." \
        "Install Temurin $ICPBENCH_JDK_MAJOR or set JAVA_HOME to a JDK $ICPBENCH_JDK_MAJOR." >&2
    fi
    return 1
  fi

  export JAVA_HOME=$found
  case "$PATH:" in
    "$JAVA_HOME/bin:"*) ;;
    *) export PATH="$JAVA_HOME/bin:$PATH" ;;
  esac
}

icpbench_find_mvn() {
  local mvn=${ICPBENCH_MVN:-mvn} path
  if ! path=$(command -v "$mvn"); then
    echo "icpbench: Maven not found: no '$mvn' on PATH." \
      "Install Maven 3.8 or newer (apt-get install maven) or set ICPBENCH_MVN to its mvn." >&2
    return 1
  fi
  export ICPBENCH_MVN=$path
}

# Appended to MAVEN_OPTS, each unless already there:
#   --sun-misc-unsafe-memory-access=allow  Maven 3.8 itself uses sun.misc.Unsafe;
#                                          on JDK 25 that warns unless allowed.
#   -Djansi.noreset=true                   Debian's Maven 3.8.7 (jansi 2.4) otherwise
#                                          prints ESC[0m around its output, even with -B.
icpbench_maven_opts() {
  local opt
  for opt in --sun-misc-unsafe-memory-access=allow -Djansi.noreset=true; do
    case " ${MAVEN_OPTS:-} " in
      *" $opt "*) ;;
      *) MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }$opt" ;;
    esac
  done
  export MAVEN_OPTS
}

icpbench_setup_env() {
  icpbench_find_jdk || return 1
  icpbench_maven_opts
  if [[ ${ICPBENCH_REQUIRE_MVN:-1} != 0 ]]; then
    icpbench_find_mvn || return 1
  fi
}

# Sourced: return to the caller; run directly: exit.
icpbench_setup_env || return 1 2>/dev/null || exit 1
