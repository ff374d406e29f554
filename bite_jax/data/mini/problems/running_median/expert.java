import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.PriorityQueue;
import java.util.StringTokenizer;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        int n = Integer.parseInt(br.readLine().trim());
        StringTokenizer st = new StringTokenizer(br.readLine());
        // lo stores negated values (a max-heap) holding the smaller ceil(k/2) values
        PriorityQueue<Integer> lo = new PriorityQueue<>(), hi = new PriorityQueue<>();
        long total = 0;
        for (int k = 0; k < n; k++) {
            int x = Integer.parseInt(st.nextToken());
            if (lo.isEmpty() || x <= -lo.peek()) lo.add(-x);
            else hi.add(x);
            if (lo.size() > hi.size() + 1) hi.add(-lo.poll());
            else if (hi.size() > lo.size()) lo.add(-hi.poll());
            total += -lo.peek();
        }
        System.out.println(total);
    }
}
