import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.StringTokenizer;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        int n = Integer.parseInt(br.readLine().trim());
        StringTokenizer st = new StringTokenizer(br.readLine());
        long[] a = new long[n];
        for (int i = 0; i < n; i++) a[i] = Long.parseLong(st.nextToken());
        long best = a[0];
        for (int i = 0; i < n; i++) {
            // a best block of two or more elements starts at the first of a run of positive elements (drop or add one)
            if (a[i] <= 0 || (i > 0 && a[i - 1] > 0)) {
                best = Math.max(best, a[i]);
                continue;
            }
            long s = 0;
            for (int j = i; j < n; j++) {
                s += a[j];
                best = Math.max(best, s);
            }
        }
        System.out.println(best);
    }
}
