#include <iostream>
using namespace std;

// G is multiplicative with G(p^a) = p^(a-1) * ((a+1)p - a).
long long pillai(long long n) {
    long long res = 1;
    for (long long p = 2; p * p <= n; ++p) {
        if (n % p) continue;
        long long a = 0, pk = 1;
        while (n % p == 0) {
            n /= p;
            ++a;
            pk *= p;
        }
        res *= pk / p * ((a + 1) * p - a);
    }
    if (n > 1) res *= 2 * n - 1;
    return res;
}

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int t;
    cin >> t;
    while (t--) {
        long long n;
        cin >> n;
        cout << pillai(n) << '\n';
    }
    return 0;
}
