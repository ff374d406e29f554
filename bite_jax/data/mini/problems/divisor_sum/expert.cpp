#include <cmath>
#include <iostream>
using namespace std;

int main() {
    long long n;
    cin >> n;
    // Dirichlet hyperbola: sum d(i) = 2 * sum_{k<=s} n/k - s^2, s = isqrt(n)
    long long s = (long long)sqrt((double)n);
    while (s * s > n) --s;
    while ((s + 1) * (s + 1) <= n) ++s;
    long long total = 0;
    for (long long k = 1; k <= s; ++k) total += n / k;
    cout << 2 * total - s * s << '\n';
    return 0;
}
