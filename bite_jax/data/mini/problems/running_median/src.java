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
            // insert x into the sorted prefix a[0..k)
            int j = k;
            while (j > 0 && a[j - 1] > x) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = x;
            total += a[k / 2];
        }
        System.out.println(total);
    }
}
