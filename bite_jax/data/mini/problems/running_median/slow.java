import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.StringTokenizer;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        int n = Integer.parseInt(br.readLine().trim());
        StringTokenizer st = new StringTokenizer(br.readLine());
        int[] a = new int[n];
        long total = 0;
        for (int k = 0; k < n; k++) {
            int x = Integer.parseInt(st.nextToken());
            // walk the sorted prefix a[0..k): from the first value above x on,
            // every value moves one slot right
            for (int j = 0; j < k; j++) {
                if (a[j] > x) {
                    int t = a[j];
                    a[j] = x;
                    x = t;
                }
            }
            a[k] = x;
            total += a[k / 2];
        }
        System.out.println(total);
    }
}
