import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.Arrays;
import java.util.StringTokenizer;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        StringTokenizer st = new StringTokenizer(br.readLine());
        int n = Integer.parseInt(st.nextToken());
        long k = Long.parseLong(st.nextToken());
        st = new StringTokenizer(br.readLine());
        long[] a = new long[n];
        for (int i = 0; i < n; i++) a[i] = Long.parseLong(st.nextToken());
        Arrays.sort(a);
        // two pointers over the sorted array, pairing runs of equal values
        long cnt = 0;
        int i = 0, j = n - 1;
        while (i < j) {
            long s = a[i] + a[j];
            if (s < k) {
                i++;
            } else if (s > k) {
                j--;
            } else if (a[i] == a[j]) {
                long m = j - i + 1;
                cnt += m * (m - 1) / 2;
                break;
            } else {
                long ci = 1, cj = 1;
                while (i + 1 < j && a[i + 1] == a[i]) { i++; ci++; }
                while (j - 1 > i && a[j - 1] == a[j]) { j--; cj++; }
                cnt += ci * cj;
                i++;
                j--;
            }
        }
        System.out.println(cnt);
    }
}
