// Runs EPUBCheck on every EPUB named on the command line, one after another
// in one JVM: starting the JVM and loading EPUBCheck's schemas is most of the
// time a single check takes, so the CommonMark books and the sample share it.
//
// Launched as a single source file: java -cp epubcheck.jar EpubCheckAll.java a.epub b.epub
// Each file's report follows a line "== FILE <path>" and ends with a line
// "== STATUS <n>", EPUBCheck's own exit status for that file. Everything goes
// to standard output so the reports stay in order.

public class EpubCheckAll {
    public static void main(String[] args) {
        System.setErr(System.out);
        int failed = 0;
        for (String path : args) {
            System.out.println("== FILE " + path);
            int status = new com.adobe.epubcheck.tool.EpubChecker().run(new String[] {path});
            System.out.println("== STATUS " + status);
            if (status != 0) {
                failed++;
            }
        }
        System.out.flush();
        System.exit(failed == 0 ? 0 : 1);
    }
}
